using System.Diagnostics;
using Npgsql;

namespace InfraGrpc.Bench;

/// <summary>
/// The PostgreSQL store against the embedded one, on a throw-away cluster (scripts/postgres.sh) on this machine:
/// CreateProject throughput (50 resources, pipelines disabled) from 1 and from 8 concurrent callers, both
/// servers in this process, alternated over the rounds; then the 1,000-node pipeline on PostgreSQL against its ideal.
/// </summary>
internal static class PostgresBench
{
    public static async Task<int> RunAsync() => await OnClusterAsync(async server =>
    {
        await using (var lite = await BenchServer.StartAsync())
        await using (var postgres = await BenchServer.StartAsync("--InfraGrpc:Storage:Provider=postgres", $"--InfraGrpc:Storage:ConnectionString={await NewDatabaseAsync(server, "bench_create")}"))
        {
            var files = BenchServer.Layered("create-bench", layers: 5, width: 10);
            var counter = 0;
            foreach (var warm in new[] { lite, postgres })
            {
                await CreateBench.MeasureAsync(() => warm.Projects.CreateProjectAsync(CreateBench.Request(files, $"warm-{counter++}")).ResponseAsync, TimeSpan.FromSeconds(1));
            }

            foreach (var callers in new[] { 1, 8 })
            {
                var ratios = new List<double>();
                for (var round = 0; round < BenchServer.Rounds; round++)
                {
                    var order = round % 2 == 0 ? new[] { postgres, lite } : [lite, postgres];
                    var rates = new Dictionary<BenchServer, double>();
                    foreach (var target in order)
                    {
                        rates[target] = await ConcurrentAsync(callers, _ => target.Projects.CreateProjectAsync(CreateBench.Request(files, $"c-{Interlocked.Increment(ref counter)}")).ResponseAsync);
                    }

                    ratios.Add(rates[postgres] / rates[lite]);
                    Console.WriteLine($"postgres: create, {callers} caller(s), round {round + 1}: PostgreSQL {rates[postgres]:F0}/s, LiteDB {rates[lite]:F0}/s, ratio {rates[postgres] / rates[lite]:F2}");
                }

                ratios.Sort();
                Console.WriteLine($"postgres: CreateProject on PostgreSQL / on LiteDB, {callers} caller(s): ratio {ratios[0]:F2}/{ratios[ratios.Count / 2]:F2}/{ratios[^1]:F2} (min/median/max)");
            }
        }

        Console.WriteLine("postgres: the 1,000-node pipeline on PostgreSQL:");
        return await EngineBench.RunAsync("--InfraGrpc:Storage:Provider=postgres", $"--InfraGrpc:Storage:ConnectionString={await NewDatabaseAsync(server, "bench_engine")}");
    });

    /// <summary>Runs <paramref name="work"/> with the connection string of a throw-away cluster, stopped afterwards.</summary>
    public static async Task<int> OnClusterAsync(Func<string, Task<int>> work)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "InfraGrpc.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var cluster = Path.Combine(Path.GetTempPath(), "infragrpc-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var server = Script(root, "start", cluster);
        try
        {
            return await work(server);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Script(root, "stop", cluster);
        }
    }

    /// <summary>Calls per second from <paramref name="callers"/> concurrent callers (each given its index) over 3 s.</summary>
    public static async Task<double> ConcurrentAsync(int callers, Func<int, Task> call)
    {
        var calls = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                await call(caller);
                Interlocked.Increment(ref calls);
            }
        })));
        return calls / clock.Elapsed.TotalSeconds;
    }

    public static async Task<string> NewDatabaseAsync(string server, string name)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static string Script(string root, string command, string directory)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "postgres.sh"), command, directory]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"scripts/postgres.sh {command} failed with {process.ExitCode}");
    }
}
