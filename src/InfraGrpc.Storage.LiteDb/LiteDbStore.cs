using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Telemetry;
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
        ProjectNames = new ProjectNameIndex(database.Collation);
    }

    internal LiteDatabase Database { get; }

    /// <summary>
    /// The store's gate: a transaction (a read-check-write sequence) holds it alone, reads share it. Reads
    /// never run beside a write (see <see cref="Read{T}"/>), but they run beside each other: with one exclusive
    /// lock, 16 concurrent GetProject calls spent 89% of their time waiting for it. The directory lock
    /// excludes other processes.
    /// </summary>
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.SupportsRecursion);

    /// <summary>Holds the gate shared, for a read of several steps, until disposed (on the same thread).</summary>
    internal ReadScope Reading()
    {
        _gate.EnterReadLock();
        return new ReadScope(_gate);
    }

    internal readonly struct ReadScope(ReaderWriterLockSlim gate) : IDisposable
    {
        public void Dispose() => gate.ExitReadLock();
    }

    public string DataDirectory => _lock.Directory;

    /// <summary>The projects' names by trigram, for text filters (one per store: the file has one process).</summary>
    internal ProjectNameIndex ProjectNames { get; }

    /// <summary>Whether the database answers a trivial read (for health checks).</summary>
    public bool IsReadable()
    {
        try
        {
            return Read(() => Database.GetCollectionNames().Any() || true);
        }
        catch (Exception e) when (e is LiteException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether an exception means the LiteDB engine itself has failed (an internal ENSURE failed, after
    /// which the engine disposes itself) rather than one operation: every later call would fail too.
    /// </summary>
    public static bool IsFatal(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is ObjectDisposedException || (e is LiteException lite && lite.Message.StartsWith("LiteDB ENSURE", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Locks the directory, then opens (or creates) the database file and its indexes.</summary>
    /// <exception cref="DataDirectoryInUseException">Another server holds the directory.</exception>
    public static LiteDbStore Open(string dataDirectory, long minFreeBytes = DefaultMinFreeBytes)
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
            return new LiteDbStore(directoryLock, database) { MinFreeBytes = minFreeBytes };
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a read under the store's gate, shared with other reads. The rule for this store: every LiteDB call,
    /// read or write, runs under the gate, synchronously, on the calling thread (docs/storage.md). LiteDB 5.0.21
    /// can return a document torn by a write on another thread to a read that runs beside it (seen by the stress
    /// test: a simulated inventory record read back empty), so reads do not run beside a transaction.
    /// </summary>
    internal T Read<T>(Func<T> work)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var span = InCall() ? InfraTelemetry.Source.StartActivity("store read") : null;
        try
        {
            using (Reading())
            {
                return work();
            }
        }
        finally
        {
            InfraTelemetry.StoreDuration.Record(InfraTelemetry.Since(started), ReadTag);
        }
    }

    // Store spans belong to a call's trace (what a slow CreateProject spent its time on); inside pipelines the
    // stack job and operation spans say enough, and a span per store call there cost 3 spans per node.
    private static bool InCall() => System.Diagnostics.Activity.Current?.Source.Name == "Microsoft.AspNetCore";

    private static readonly KeyValuePair<string, object?> ReadTag = new("kind", "read");
    private static readonly KeyValuePair<string, object?> TransactionTag = new("kind", "transaction");

    /// <summary>
    /// The free space the store keeps on its file system: a write is refused (<see cref="StorageFullException"/>)
    /// before LiteDB runs out of space in the middle of it, which left a file half-written and a server that
    /// stayed broken. Writes resume by themselves once space is freed. 0 turns the check off.
    /// </summary>
    public long MinFreeBytes { get; init; } = DefaultMinFreeBytes;

    public const long DefaultMinFreeBytes = 64L * 1024 * 1024;

    /// <summary>Runs <paramref name="work"/> in one transaction on the calling thread; rolls back on any exception.</summary>
    /// <exception cref="StorageFullException">The file system has less than <see cref="MinFreeBytes"/> free; nothing was written.</exception>
    internal T InTransaction<T>(Func<T> work)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var timed = new Timed(started);
        using var span = InCall() ? InfraTelemetry.Source.StartActivity("store transaction") : null;
        _gate.EnterWriteLock();
        try
        {
            EnsureSpace();
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
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    // Records a transaction's duration (waiting for the gate included) however it ends.
    private readonly struct Timed(long started) : IDisposable
    {
        public void Dispose() => InfraTelemetry.StoreDuration.Record(InfraTelemetry.Since(started), TransactionTag);
    }

    private void EnsureSpace()
    {
        if (MinFreeBytes <= 0)
        {
            return;
        }

        var available = new DriveInfo(DataDirectory).AvailableFreeSpace;
        if (available < MinFreeBytes)
        {
            throw new StorageFullException(DataDirectory, available, MinFreeBytes);
        }
    }

    public void Dispose()
    {
        Database.Dispose();
        _gate.Dispose();
        _lock.Dispose();
    }

    private static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper { EnumAsInteger = false };
        mapper.Entity<ChartVersionDocument>().Id(d => d.Id, autoId: false);
        mapper.Entity<ChartHeadDocument>().Id(d => d.Id, autoId: false);
        return mapper;
    }

    /// <summary>Every collection the store uses: all are created at start-up (see <see cref="EnsureCollections"/>).</summary>
    internal static readonly string[] Collections =
    [
        ChartVersionDocument.Collection, ChartHeadDocument.Collection, ProjectDocument.Collection, RevisionDocument.Collection,
        ManifestSetDocument.Collection, ResourceDocument.Collection, CreateRequestDocument.Collection, DeletionDocument.Collection,
        WebhookDeliveryDocument.Collection, PipelineDocument.Collection, PipelineEventChunkDocument.Collection, LogChunkDocument.Collection,
        SimulatedResourceDocument.Collection, AccessTokenDocument.Collection, RoleBindingDocument.Collection, AuditEventDocument.Collection,
    ];

    // LiteDB 5.0.21 can corrupt a collection that is read while another transaction creates it (LiteDB
    // issue #2792), and reads run outside the write gate. So no collection is ever created by a first
    // write: each is created here, before the first call is served, by inserting and deleting a marker.
    private static void EnsureCollections(LiteDatabase database)
    {
        foreach (var name in Collections.Where(name => !database.CollectionExists(name)))
        {
            var collection = database.GetCollection(name);
            collection.Insert(new BsonDocument { ["_id"] = "__created_at_start_up__" });
            collection.Delete("__created_at_start_up__");
        }
    }

    private static void EnsureIndexes(LiteDatabase database)
    {
        EnsureCollections(database);
        var versions = database.GetCollection<ChartVersionDocument>(ChartVersionDocument.Collection);
        versions.EnsureIndex(d => d.Name);
        var projects = database.GetCollection<ProjectDocument>(ProjectDocument.Collection);
        projects.EnsureIndex(p => p.OrgName, unique: true);
        projects.EnsureIndex(p => p.ListOrder);

        // Records written before ListOrder existed get it once.
        foreach (var document in projects.Find(Query.EQ(nameof(ProjectDocument.ListOrder), BsonValue.Null)).ToList())
        {
            var slash = document.OrgName.IndexOf('/', StringComparison.Ordinal);
            document.ListOrder = ProjectDocument.ListOrderOf(document.OrgName[..slash], document.OrgName[(slash + 1)..]);
            projects.Update(document);
        }

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
