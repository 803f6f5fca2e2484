using System.Diagnostics;
using Npgsql;

namespace InfraGrpc.Storage.Contract.Tests;

/// <summary>
/// A real PostgreSQL cluster for the suite: the one the test command started (INFRAGRPC_TEST_POSTGRES, a
/// connection string), or one this fixture starts with scripts/postgres.sh in a temporary directory and stops
/// at the end. When neither works the tests fail; they never skip. Each store gets a database of its own.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private string? _directory;
    private string _server = string.Empty;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("INFRAGRPC_TEST_POSTGRES") is { Length: > 0 } given)
        {
            _server = given;
            return;
        }

        _directory = Path.Combine(Path.GetTempPath(), "infragrpc-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var (status, output, error) = await RunScriptAsync("start", _directory);
        if (status != 0)
        {
            throw new InvalidOperationException($"scripts/postgres.sh could not start a cluster (exit {status}): {error}{output}");
        }

        _server = output.Trim();
    }

    /// <summary>A new, empty database on the cluster, as a connection string.</summary>
    public Task<string> NewDatabaseAsync() => CreateDatabaseAsync(_server);

    /// <summary>A new, empty database on the cluster that <paramref name="server"/> connects to.</summary>
    public static async Task<string> CreateDatabaseAsync(string server)
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_directory is not null)
        {
            await RunScriptAsync("stop", _directory);
        }
    }

    private static async Task<(int Status, string Output, string Error)> RunScriptAsync(string command, string directory)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfraGrpc.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("the repository root (InfraGrpc.sln) was not found above " + AppContext.BaseDirectory);
        }

        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "postgres.sh"), command, directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}

[CollectionDefinition(Name)]
public sealed class OnPostgres : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}
