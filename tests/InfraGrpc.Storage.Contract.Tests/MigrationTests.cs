using InfraGrpc.Storage.Postgres;
using Npgsql;

namespace InfraGrpc.Storage.Contract.Tests;

/// <summary>The PostgreSQL schema's versioned migrations, applied under an advisory lock.</summary>
[Collection(OnPostgres.Name)]
public sealed class MigrationTests(PostgresCluster cluster)
{
    [Fact]
    public async Task ReplicasStartingAtOnceOnAnEmptyDatabase_MigrateOnce_AndAllServe()
    {
        var database = await cluster.NewDatabaseAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresStore.OpenAsync(database))));
        await using var reopened = await PostgresStore.OpenAsync(database);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version", connection);
        var applied = new List<(int Version, long Count)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                applied.Add((reader.GetInt32(0), reader.GetInt64(1)));
            }
        }

        Assert.NotEmpty(PostgresStore.Migrations);
        Assert.Equal(PostgresStore.Migrations.Select(m => (m.Version, 1L)), applied);
        foreach (var store in stores)
        {
            Assert.True(await store.IsReachableAsync());
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnUnreachableDatabase_IsReportedAsUnreachable_NotThrown()
    {
        var database = await cluster.NewDatabaseAsync();
        await using var store = await PostgresStore.OpenAsync(database);
        var builder = new NpgsqlConnectionStringBuilder(database);
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Database = "postgres" }.ConnectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE {builder.Database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        Assert.False(await store.IsReachableAsync());
    }
}
