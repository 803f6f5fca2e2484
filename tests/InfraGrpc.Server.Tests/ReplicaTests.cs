using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using InfraGrpc.Storage.Contract.Tests;
using Npgsql;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// Three replicas on one PostgreSQL database, as real server processes: writers spread over them, a kill -9 of
/// the replica that runs a pipeline, a watcher on another replica through that death, a rolling restart, and
/// two replicas migrating an empty database at once.
/// </summary>
[Collection(OnPostgres.Name)]
[Trait("store", "postgres")]
public sealed class ReplicaTests(PostgresCluster cluster, Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int LeaseSeconds = 3;
    private readonly List<ServerProcess> _replicas = [];
    private readonly List<string> _directories = [];

    [Fact]
    public async Task ThirtyWritersOverThreeReplicas_LoseAndDuplicateNoRevision_EveryConflictIsAborted_AndProjectsRunOnePipelineAtATime()
    {
        var database = await cluster.NewDatabaseAsync();
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StartAsync(database, "w" + i)));
        var apis = replicas.Select(r => new Clients(r.Channel)).ToArray();
        await apis[0].Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = GraphChart.Files() });
        var projects = new List<string>();
        for (var p = 0; p < 5; p++)
        {
            projects.Add((await apis[p % 3].CreateAsync($"written-{p}", GraphChart.Name, "dev")).Project.Id);
        }

        var seconds = int.TryParse(Environment.GetEnvironmentVariable("INFRAGRPC_REPLICA_WRITE_SECONDS"), out var configured) ? configured : 30;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var won = new System.Collections.Concurrent.ConcurrentBag<(string Project, int Revision)>();
        var aborted = 0;
        var writers = Enumerable.Range(0, 30).Select(w => Task.Run(async () =>
        {
            var api = apis[w % 3];
            var project = projects[w % projects.Count];
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var current = (await api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = project })).Project.CurrentRevision;
                try
                {
                    var updated = await api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
                    {
                        Project = project,
                        BaseRevision = current,
                        ValuesPatch = new Proto.ValuesInput { Set = { $"failOn=none-{w}-{n}" } },
                    });
                    won.Add((project, updated.Revision.Number));
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
                {
                    Interlocked.Increment(ref aborted);
                }
            }
        })).ToList();
        await Task.WhenAll(writers);

        foreach (var project in projects)
        {
            var revisions = new List<int>();
            var token = string.Empty;
            do
            {
                var page = await apis[1].Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = project, PageSize = 500, PageToken = token });
                revisions.AddRange(page.Revisions.Select(r => r.Number));
                token = page.NextPageToken;
            }
            while (token.Length > 0);

            var mine = won.Where(x => x.Project == project).Select(x => x.Revision).Order().ToList();
            Assert.Equal(Enumerable.Range(1, revisions.Count), revisions.Order());
            Assert.Equal(Enumerable.Range(2, revisions.Count - 1), mine);

            // Every pipeline completes, and the project never ran two at once, whichever replica ran each.
            var last = (await apis[2].Pipelines.GetLastPipelineAsync(new Proto.GetLastPipelineRequest { Project = project })).Pipeline;
            await apis[2].WaitAsync(last.Id, TimeSpan.FromSeconds(120));
            var ran = (await apis[0].Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { Project = project, PageSize = 500 })).Pipelines
                .Where(p => p.StartTime is not null).OrderBy(p => p.StartTime.ToDateTimeOffset()).ToList();
            Assert.All(ran, p => Assert.Equal(Proto.PipelineStatus.Completed, p.Status));
            Assert.All(ran.Zip(ran.Skip(1)), pair => Assert.True(pair.First.EndTime.ToDateTimeOffset() <= pair.Second.StartTime.ToDateTimeOffset(), $"{pair.First.Id} and {pair.Second.Id} overlap"));
        }

        Assert.True(won.Count > 30, $"only {won.Count} updates went through");
        Assert.True(aborted > 0, "no writer ever conflicted");
    }

    /// <summary>
    /// Rounds of: a 120-node pipeline, a watcher on a replica that does not run it, kill -9 of the replica that
    /// does once 20 nodes succeeded, and that replica started again for the next round. The rounds are
    /// <c>INFRAGRPC_REPLICA_FAULT_ROUNDS</c> (default 1); <c>bench/replica-fault.sh</c> runs more.
    /// </summary>
    [Fact]
    public async Task Kill9OfTheReplicaRunningA120NodePipeline_AnotherTakesOverWithinLeasePlus5s_NothingSucceededIsAppliedTwice_AndAWatcherElsewhereSeesEveryEventOnce()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("INFRAGRPC_REPLICA_FAULT_ROUNDS"), out var configured) ? configured : 1;
        var database = await cluster.NewDatabaseAsync();
        string[] latency = ["--InfraGrpc:Simulated:Latency=00:00:00.200"];
        var directories = Enumerable.Range(0, 3).Select(_ => NewDataDirectory()).ToArray();
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StartInAsync(directories[i], database, "k" + i, latency)));
        await new Clients(replicas[0].Channel).Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = WideChart.Files("wide-120", 120) });
        var (late, failed, gaps, twice, missing) = (new List<TimeSpan>(), 0, 0, 0, 0);
        for (var round = 0; round < rounds; round++)
        {
            var apis = replicas.Select(r => new Clients(r.Channel)).ToArray();
            var created = await apis[round % 3].CreateAsync($"taken-over-{round}", "wide-120", "dev");
            var pipelineId = created.Pipeline.Id;

            // Once it runs, its owner is in the database; the watcher goes to another replica.
            await apis[round % 3].WatchUntilAsync(pipelineId, e => e.NodeChanged is not null);
            var owner = await OwnerAsync(database, pipelineId);
            var doomed = Array.IndexOf(["k0", "k1", "k2"], owner);
            Assert.True(doomed >= 0, $"owner {owner} is none of the replicas");
            var seen = new List<Proto.WatchPipelineResponse>();
            var twenty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watcher = Task.Run(async () =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
                using var call = apis[(doomed + 1) % 3].Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId, FromStart = true, AllowBatches = true }, cancellationToken: timeout.Token);
                await foreach (var message in call.ResponseStream.ReadAllAsync(timeout.Token))
                {
                    foreach (var e in message.Events.Count > 0 ? message.Events.ToList() : [message])
                    {
                        seen.Add(e);
                        if (seen.Count(x => x.NodeChanged?.StackJob is { Status: Proto.PipelineStatus.Completed, Result: Proto.PipelineResult.Succeeded }) >= 20)
                        {
                            twenty.TrySetResult();
                        }

                        if (e.Terminal)
                        {
                            return;
                        }
                    }
                }
            });
            await twenty.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var killedAt = DateTimeOffset.UtcNow;
            await replicas[doomed].KillAsync();
            await watcher;

            var pipeline = (await apis[(doomed + 2) % 3].Pipelines.GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = pipelineId })).Pipeline;
            failed += pipeline.Result == Proto.PipelineResult.Succeeded ? 0 : 1;

            // The watcher on another replica saw every event once, in order, through the death, to the end.
            var sequences = seen.Select(e => e.Sequence).ToList();
            gaps += sequences.SequenceEqual(Enumerable.Range(1, sequences.Count).Select(i => (ulong)i)) && seen[^1].Terminal ? 0 : 1;

            // The takeover is an event naming both replicas; what succeeded before it was applied once.
            var takeover = seen.Single(e => e.PipelineChanged is { Status: Proto.PipelineStatus.Running } changed
                && changed.Reason.StartsWith("taken over by replica", StringComparison.Ordinal) && changed.Reason.EndsWith($"from replica {owner}", StringComparison.Ordinal));
            late.Add(takeover.Time.ToDateTimeOffset() - killedAt);
            var succeededBefore = seen.Where(e => e.Sequence < takeover.Sequence && e.NodeChanged?.StackJob is { Status: Proto.PipelineStatus.Completed, Result: Proto.PipelineResult.Succeeded })
                .Select(e => e.NodeChanged.Key).ToList();
            var applies = await AppliesAsync(database, created.Project.Id);
            Assert.True(succeededBefore.Count >= 20);
            twice += succeededBefore.Count(key => applies[key] != 1);
            missing += 120 - applies.Count;

            replicas[doomed] = await StartInAsync(directories[doomed], database, owner!, latency);
        }

        output.WriteLine($"replica-fault: {rounds} rounds, {rounds} kills -9 of the owner, takeover after the kill {late.Min().TotalSeconds:F1}-{late.Max().TotalSeconds:F1} s (lease {LeaseSeconds} s), "
            + $"{failed} pipelines not succeeded, {gaps} watchers with a gap or a repeat, {twice} succeeded nodes applied twice, {missing} resources never applied");
        Assert.All(late, l => Assert.True(l < TimeSpan.FromSeconds(LeaseSeconds + 5), $"taken over {l} after the kill"));
        Assert.Equal((0, 0, 0, 0), (failed, gaps, twice, missing));
    }

    [Fact]
    public async Task GateDecisionsAndCancelRequests_SentToReplicasThatDoNotRunThePipeline_ReachItsOwner()
    {
        var database = await cluster.NewDatabaseAsync();
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StartAsync(database, "g" + i)));
        var apis = replicas.Select(r => new Clients(r.Channel)).ToArray();
        await apis[0].Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = GraphChart.Files() });
        static bool GatePending(Proto.WatchPipelineResponse e) =>
            e.GateChanged?.State == Proto.ManualGateState.Pending || e.Snapshot?.Gates.Any(g => g.State == Proto.ManualGateState.Pending) == true;

        var gated = (await apis[0].CreateAsync("gated", GraphChart.Name, "dev", "gateOn=b")).Pipeline.Id;
        await apis[0].WatchUntilAsync(gated, GatePending);
        var owner = Array.IndexOf(["g0", "g1", "g2"], await OwnerAsync(database, gated));
        var (second, third) = (apis[(owner + 1) % 3], apis[(owner + 2) % 3]);

        // Queued behind the gated one: cancelled at once by a replica that does not hold it.
        var queued = (await second.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = "acme/gated", ValuesPatch = new Proto.ValuesInput { Set = { "failOn=none" } } })).Pipeline.Id;
        var cancelledQueued = (await third.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = queued, Reason = "not this one" })).Pipeline;

        // The gate is approved on another replica than the one waiting on it.
        var approved = (await second.Pipelines.ResolveManualGateAsync(new Proto.ResolveManualGateRequest { PipelineId = gated, Approve = true, Comment = "from afar" })).Gate;
        var done = await third.WaitAsync(gated);

        // The next one waits at the same gate and is cancelled from afar.
        var next = (await third.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = "acme/gated", ValuesPatch = new Proto.ValuesInput { Set = { "failOn=nothing" } } })).Pipeline.Id;
        await third.WatchUntilAsync(next, GatePending);
        var nextOwner = Array.IndexOf(["g0", "g1", "g2"], await OwnerAsync(database, next));
        await apis[(nextOwner + 1) % 3].Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = next, Reason = "changed my mind" });
        var cancelled = await apis[(nextOwner + 2) % 3].WaitAsync(next);

        Assert.Equal((Proto.PipelineStatus.Completed, Proto.PipelineResult.Cancelled), (cancelledQueued.Status, cancelledQueued.Result));
        Assert.Contains("not this one", cancelledQueued.Reason);
        Assert.Equal((Proto.ManualGateState.Approved, "Thing/b"), (approved.State, approved.NodeKey));
        Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
        Assert.Equal(("from afar", Proto.ManualGateState.Approved), (done.Gates.Single().Comment, done.Gates.Single().State));
        Assert.Equal(Proto.PipelineResult.Cancelled, cancelled.Result);
        Assert.Contains("changed my mind", cancelled.Reason);
    }

    [Fact]
    public async Task RollingRestartOfAllThreeReplicas_DuringA200NodePipeline_ItCompletes()
    {
        var database = await cluster.NewDatabaseAsync();
        string[] latency = ["--InfraGrpc:Simulated:Latency=00:00:00.100"];
        var directories = Enumerable.Range(0, 3).Select(_ => NewDataDirectory()).ToArray();
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StartInAsync(directories[i], database, "r" + i, latency)));
        var api = new Clients(replicas[0].Channel);
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = WideChart.Files("wide-200", 200) });
        var created = await api.CreateAsync("restarted", "wide-200", "dev");
        var pipelineId = created.Pipeline.Id;

        var progress = 0;
        for (var i = 0; i < 3; i++)
        {
            // Some progress between restarts, read from a replica that stays up meanwhile.
            var target = progress + 10;
            var reader = new Clients(replicas[(i + 1) % 3].Channel);
            try
            {
                await reader.WatchUntilAsync(pipelineId, e => e.Terminal || ++progress >= target, TimeSpan.FromSeconds(120));
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
            {
                throw new Xunit.Sdk.XunitException($"no progress after restart {i}: {string.Join("\n----\n", replicas.Select(r => r.RecentLog))}");
            }

            await replicas[i].StopAsync();
            replicas[i] = await StartInAsync(directories[i], database, "r" + i + "-again", latency);
        }

        var done = await new Clients(replicas[2].Channel).WaitAsync(pipelineId, TimeSpan.FromSeconds(180));
        Assert.Equal((Proto.PipelineStatus.Completed, Proto.PipelineResult.Succeeded), (done.Status, done.Result));
        Assert.Equal(200, done.Nodes.Count(n => n.StackJob.Result == Proto.PipelineResult.Succeeded));
    }

    [Fact]
    public async Task TwoReplicasStartingAtOnceOnAnEmptyDatabase_MigrateItOnce_AndBothServe()
    {
        var database = await cluster.NewDatabaseAsync();

        var replicas = await Task.WhenAll(StartAsync(database, "m0"), StartAsync(database, "m1"));

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT version), max(version) FROM schema_migrations", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(Storage.Postgres.PostgresStore.Migrations.Count, reader.GetInt64(0));
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
        Assert.Equal(Storage.Postgres.PostgresStore.Migrations[^1].Version, reader.GetInt32(2));
        foreach (var replica in replicas)
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(replica.Channel).CheckAsync(new HealthCheckRequest())).Status);
            await new Clients(replica.Channel).Charts.ListChartsAsync(new Proto.ListChartsRequest());
        }

        // A page token from one replica pages on the other: the key is shared.
        var first = await new Clients(replicas[0].Channel).Charts.ListChartsAsync(new Proto.ListChartsRequest { PageSize = 1 });
        Assert.NotEmpty(first.NextPageToken);
        var next = await new Clients(replicas[1].Channel).Charts.ListChartsAsync(new Proto.ListChartsRequest { PageSize = 1, PageToken = first.NextPageToken });
        Assert.NotEqual(first.Charts[0].Name, next.Charts[0].Name);
    }

    public void Dispose()
    {
        foreach (var replica in _replicas)
        {
            replica.Dispose();
        }

        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private Task<ServerProcess> StartAsync(string database, string name, params string[] extra) => StartInAsync(NewDataDirectory(), database, name, extra);

    private async Task<ServerProcess> StartInAsync(string directory, string database, string name, params string[] extra)
    {
        var replica = await ServerProcess.StartAsync(
            directory,
            [
                "--InfraGrpc:Storage:Provider=postgres", $"--InfraGrpc:Storage:ConnectionString={database}", $"--InfraGrpc:Replica:Name={name}",
                $"--InfraGrpc:Replica:LeaseSeconds={LeaseSeconds}", .. extra.Length == 0 ? ["--InfraGrpc:Simulated:Latency=00:00:00.010"] : extra,
            ]);
        _replicas.Add(replica);
        return replica;
    }

    private string NewDataDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("infragrpc-replica-").FullName;
        _directories.Add(directory);
        return directory;
    }

    private static async Task<string?> OwnerAsync(string database, string pipelineId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT owner FROM pipelines WHERE id = $1", connection) { Parameters = { new() { Value = pipelineId } } };
        return await command.ExecuteScalarAsync() as string;
    }

    // How many times the simulated cloud applied each resource of the project, by node key (Kind/name).
    private static async Task<Dictionary<string, int>> AppliesAsync(string database, string projectId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT key, applies FROM simulated_resources WHERE starts_with(key, $1)", connection) { Parameters = { new() { Value = projectId + "/" } } };
        await using var reader = await command.ExecuteReaderAsync();
        var applies = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            applies[reader.GetString(0)[(projectId.Length + 1)..]] = reader.GetInt32(1);
        }

        return applies;
    }
}

/// <summary>A chart of <c>n</c> resources, each (but the first) consuming an output of the one at (i − 1) / 4: a wide tree.</summary>
internal static class WideChart
{
    public static Proto.ChartFiles Files(string name, int n)
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: {name}}}\nspec: {{version: 1.0.0}}\n"));
        for (var i = 0; i < n; i++)
        {
            var spec = i == 0 ? "{}" : $"\n  parent: {{valueFrom: {{kind: Thing, name: t{(i - 1) / 4}, fieldPath: status.outputs.id}}}}";
            files.Files.Add(Charts.File($"templates/t{i}.yaml", $"apiVersion: test.infragrpc.dev/v1\nkind: Thing\nmetadata:\n  name: t{i}\nspec: {spec}\n"));
        }

        return files;
    }
}
