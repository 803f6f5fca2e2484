using System.Reflection;
using Npgsql;

namespace InfraGrpc.Storage.Postgres;

/// <summary>
/// The PostgreSQL store: one <see cref="NpgsqlDataSource"/> (Npgsql's pool) for every port, and a schema that
/// versioned SQL migrations bring up to date when the store is opened. Migrations run in one transaction under
/// an advisory lock, so several replicas starting at once on an empty database migrate it once: the first
/// applies, the others wait on the lock and then find nothing left to do.
/// </summary>
public sealed class PostgresStore : IAsyncDisposable
{
    /// <summary>The advisory lock that serialises migrations ("InfraGrp" in ASCII).</summary>
    public const long MigrationLock = 0x496E_6672_6147_7270;

    private PostgresStore(NpgsqlDataSource dataSource, string location) => (DataSource, Location) = (dataSource, location);

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>Where the database is (host, port, database), without credentials: for logs and errors.</summary>
    public string Location { get; }

    /// <summary>The migrations this build knows, in order: embedded <c>Migrations/NNNN_name.sql</c> files.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>Opens the pool and applies the migrations the database has not seen.</summary>
    public static async Task<PostgresStore> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await MigrateAsync(dataSource, cancellationToken);
            return new PostgresStore(dataSource, LocationOf(connectionString));
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether the database answers a trivial query (for health checks).</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = DataSource.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(cancellationToken) is 1;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction, committed when it returns, rolled back when it throws.</summary>
    internal async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        using var timed = StoreCall.Begin(StoreCall.Transaction);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Runs <paramref name="work"/> in a transaction that commits only when it returns true.</summary>
    internal async Task<bool> InTransactionIfAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task<bool>> work, CancellationToken cancellationToken)
    {
        using var timed = StoreCall.Begin(StoreCall.Transaction);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await work(connection, transaction))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The value of a key every replica must share (the page-token key, the secret key ring): the stored one, or
    /// <paramref name="create"/>'s when this replica is the first to ask. Whoever inserts first wins; the others read it.
    /// </summary>
    public string SharedKey(string name, Func<string> create)
    {
        using (var insert = Sql.Command(DataSource, "INSERT INTO server_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", name, create()))
        {
            insert.ExecuteNonQuery();
        }

        // A statement of its own: it sees the row whichever replica's insert won.
        using var read = Sql.Command(DataSource, "SELECT value FROM server_keys WHERE name = $1", name);
        return (string)read.ExecuteScalar()!;
    }

    /// <summary>Every shared key whose name starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> SharedKeys(string prefix)
    {
        using var command = Sql.Command(DataSource, "SELECT value FROM server_keys WHERE starts_with(name, $1) ORDER BY name", prefix);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary><c>host:port/database</c> of a connection string, never its password.</summary>
    public static string LocationOf(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
    }

    /// <summary>Whether an exception means the database could not be reached (rather than that it refused the statement).</summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is NpgsqlException npgsql && (npgsql is not PostgresException postgres
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
            || postgres.SqlState == PostgresErrorCodes.InvalidCatalogName);

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
    }

    private static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken);
        await Execute(
            connection,
            transaction,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken);
        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var (version, name, sql) in Migrations.Where(m => !applied.Contains(m.Version)))
        {
            await Execute(connection, transaction, sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", connection, transaction);
            record.Parameters.Add(new NpgsqlParameter { Value = version });
            record.Parameters.Add(new NpgsqlParameter { Value = name });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(int, string, string)> LoadMigrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n["Migrations/".Length..^".sql".Length];
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (int.Parse(name[..name.IndexOf('_')], System.Globalization.CultureInfo.InvariantCulture), name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Item1)
            .ToList();
    }
}
