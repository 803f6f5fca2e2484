using Grpc.Core;
using Npgsql;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Bench;

/// <summary>
/// Replicas on one PostgreSQL database (a throw-away cluster from scripts/postgres.sh), all in this process:
/// CreateProject throughput (50 resources, pipelines disabled, 12 callers) on 1 replica against 3 replicas with
/// the callers spread over them, alternated over the rounds; then the delay from a change to a watcher on
/// another replica than the one running the pipeline (LISTEN/NOTIFY, then a read of the events table), against a
/// watcher on the owner itself in the same pipelines (100 nodes, parallelism 8, 20 ms per operation).
/// </summary>
internal static class ReplicaBench
{
    public static async Task<int> RunAsync() => await PostgresBench.OnClusterAsync(async server =>
    {
        var database = await PostgresBench.NewDatabaseAsync(server, "bench_replicas");
        string[] settings = ["--InfraGrpc:Storage:Provider=postgres", $"--InfraGrpc:Storage:ConnectionString={database}", "--InfraGrpc:Pipelines:Parallelism=8", "--InfraGrpc:Simulated:Latency=00:00:00.020"];
        var replicas = new List<BenchServer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                replicas.Add(await BenchServer.StartAsync([.. settings, $"--InfraGrpc:Replica:Name=bench-{i}"]));
            }

            await CreateAsync(replicas);
            await WatchAsync(replicas, database);
            return 0;
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    });

    private static async Task CreateAsync(List<BenchServer> replicas)
    {
        const int callers = 12;
        var files = BenchServer.Layered("replica-bench", layers: 5, width: 10);
        var counter = 0;
        foreach (var warm in replicas)
        {
            await CreateBench.MeasureAsync(() => warm.Projects.CreateProjectAsync(CreateBench.Request(files, $"warm-{Interlocked.Increment(ref counter)}")).ResponseAsync, TimeSpan.FromSeconds(1));
        }

        var ratios = new List<double>();
        for (var round = 0; round < BenchServer.Rounds; round++)
        {
            var one = 0.0;
            var three = 0.0;
            foreach (var spread in round % 2 == 0 ? new[] { 1, 3 } : [3, 1])
            {
                var rate = await PostgresBench.ConcurrentAsync(callers, caller => replicas[caller % spread].Projects.CreateProjectAsync(CreateBench.Request(files, $"c-{Interlocked.Increment(ref counter)}")).ResponseAsync);
                (one, three) = spread == 1 ? (rate, three) : (one, rate);
            }

            ratios.Add(three / one);
            Console.WriteLine($"replicas: create, {callers} callers, round {round + 1}: 3 replicas {three:F0}/s, 1 replica {one:F0}/s, ratio {three / one:F2}");
        }

        ratios.Sort();
        Console.WriteLine($"replicas: CreateProject on 3 replicas / on 1 replica (one machine, {Environment.ProcessorCount} cores): ratio {ratios[0]:F2}/{ratios[ratios.Count / 2]:F2}/{ratios[^1]:F2} (min/median/max)");
    }

    private static async Task WatchAsync(List<BenchServer> replicas, string database)
    {
        var files = BenchServer.Layered("watch-bench", layers: 10, width: 10);
        var local = new List<double>();
        var remote = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var created = await replicas[run % 3].Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = $"watched-{run}", Org = "bench", ChartFiles = files });
            var pipelineId = created.Pipeline.Id;
            var owner = await OwnerAsync(database, pipelineId);
            var owning = replicas[int.Parse(owner["bench-".Length..], System.Globalization.CultureInfo.InvariantCulture)];
            var other = replicas.First(r => r != owning);
            await Task.WhenAll(FollowAsync(owning, pipelineId, local), FollowAsync(other, pipelineId, remote));
        }

        var (p50, p99) = (Percentile(remote, 0.5), Percentile(remote, 0.99));
        var (b50, b99) = (Percentile(local, 0.5), Percentile(local, 0.99));
        Console.WriteLine($"replicas: change to a watcher on another replica over {remote.Count} events of 3 pipelines of 100 nodes: p50 {p50:F1} ms, p99 {p99:F1} ms; " +
            $"a watcher on the owner, same pipelines: p50 {b50:F1} ms, p99 {b99:F1} ms; ratio p50 {p50 / Math.Max(b50, 0.001):F2}, p99 {p99 / Math.Max(b99, 0.001):F2}");
    }

    // The pipeline is claimed by whichever replica the database hands it to; its id names the owner.
    private static async Task<string> OwnerAsync(string database, string pipelineId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT owner FROM pipelines WHERE id = $1 AND lease_until IS NOT NULL", connection) { Parameters = { new() { Value = pipelineId } } };
            if (await command.ExecuteScalarAsync() is string owner)
            {
                return owner;
            }

            await Task.Delay(5);
        }
    }

    private static async Task FollowAsync(BenchServer replica, string pipelineId, List<double> delays)
    {
        using var watch = replica.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId });
        await foreach (var e in watch.ResponseStream.ReadAllAsync())
        {
            if (e.EventCase != Proto.WatchPipelineResponse.EventOneofCase.Snapshot)
            {
                lock (delays)
                {
                    delays.Add((DateTimeOffset.UtcNow - e.Time.ToDateTimeOffset()).TotalMilliseconds);
                }
            }

            if (e.Terminal)
            {
                return;
            }
        }
    }

    private static double Percentile(List<double> values, double p) =>
        values.Count == 0 ? 0 : values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Ceiling(p * values.Count) - 1));
}
