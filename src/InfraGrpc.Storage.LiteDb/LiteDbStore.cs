using InfraGrpc.Storage.LiteDb.Documents;
using LiteDB;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>
/// The embedded store: one LiteDB file in the data directory, opened once per process with its own
/// <see cref="BsonMapper"/>, under an exclusive directory lock. LiteDB is synchronous and its
/// transactions are bound to a thread, so every port method does its work synchronously inside the
/// call and never holds a transaction across an await.
/// </summary>
public sealed class LiteDbStore : IDisposable
{
    public const string DatabaseFileName = "infragrpc.db";

    private readonly DataDirectoryLock _lock;

    private LiteDbStore(DataDirectoryLock directoryLock, LiteDatabase database)
    {
        _lock = directoryLock;
        Database = database;
    }

    internal LiteDatabase Database { get; }

    /// <summary>Serialises the read-check-write sequences of this process (the directory lock excludes other processes).</summary>
    internal Lock WriteGate { get; } = new();

    public string DataDirectory => _lock.Directory;

    /// <summary>Whether the database answers a trivial read (for health checks).</summary>
    public bool IsReadable()
    {
        try
        {
            _ = Database.GetCollectionNames().Any();
            return true;
        }
        catch (LiteException)
        {
            return false;
        }
    }

    /// <summary>Locks the directory, then opens (or creates) the database file and its indexes.</summary>
    /// <exception cref="DataDirectoryInUseException">Another server holds the directory.</exception>
    public static LiteDbStore Open(string dataDirectory)
    {
        var directoryLock = DataDirectoryLock.Acquire(dataDirectory);
        try
        {
            var connection = new ConnectionString
            {
                Filename = Path.Combine(directoryLock.Directory, DatabaseFileName),
                Connection = ConnectionType.Direct,
            };
            var database = new LiteDatabase(connection, CreateMapper());
            EnsureIndexes(database);
            return new LiteDbStore(directoryLock, database);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction on the calling thread; rolls back on any exception.</summary>
    internal T InTransaction<T>(Func<T> work)
    {
        lock (WriteGate)
        {
            Database.BeginTrans();
            try
            {
                var result = work();
                Database.Commit();
                return result;
            }
            catch
            {
                Database.Rollback();
                throw;
            }
        }
    }

    public void Dispose()
    {
        Database.Dispose();
        _lock.Dispose();
    }

    private static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper { EnumAsInteger = false };
        mapper.Entity<ChartVersionDocument>().Id(d => d.Id, autoId: false);
        mapper.Entity<ChartHeadDocument>().Id(d => d.Id, autoId: false);
        return mapper;
    }

    private static void EnsureIndexes(LiteDatabase database)
    {
        var versions = database.GetCollection<ChartVersionDocument>(ChartVersionDocument.Collection);
        versions.EnsureIndex(d => d.Name);
        var projects = database.GetCollection<ProjectDocument>(ProjectDocument.Collection);
        projects.EnsureIndex(p => p.OrgName, unique: true);
        projects.EnsureIndex(p => p.Env);
        projects.EnsureIndex(p => p.ChartName);
        projects.EnsureIndex(p => p.RepoUrl);
        projects.EnsureIndex("LabelPairs", "$.LabelPairs[*]");
        var resources = database.GetCollection<ResourceDocument>(ResourceDocument.Collection);
        resources.EnsureIndex(r => r.ProjectId);
        resources.EnsureIndex(r => r.OrgKey);
        var pipelines = database.GetCollection<PipelineDocument>(PipelineDocument.Collection);
        pipelines.EnsureIndex(p => p.ProjectOrder);
        pipelines.EnsureIndex(p => p.CreatedOrder);
        pipelines.EnsureIndex(p => p.Status);
    }
}
