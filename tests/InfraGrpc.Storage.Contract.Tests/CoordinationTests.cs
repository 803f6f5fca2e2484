using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Storage.Postgres;

namespace InfraGrpc.Storage.Contract.Tests;

/// <summary>
/// Pipeline coordination among replicas on PostgreSQL: leases, fencing tokens, the per-project FIFO and takeover.
/// Two coordinations on one database play two replicas.
/// </summary>
[Collection(OnPostgres.Name)]
public sealed class CoordinationTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);

    [Fact]
    public async Task AProjectRunsItsOldestPipelineFirst_AndOneAtATime_WhileOtherProjectsRunAlongside()
    {
        await using var db = await OpenAsync();
        var (a, b) = (db.Replica("a"), db.Replica("b"));
        foreach (var (id, project, second) in new[] { ("p1-first", "p1", 0), ("p1-second", "p1", 1), ("p2-first", "p2", 2) })
        {
            await db.Pipelines.InsertAsync(Pipeline(id, project, At.AddSeconds(second)));
        }

        var notTheHead = await b.ClaimAsync(1, "p1-second");
        var claimedByA = await a.ClaimAsync(10);
        var claimedByB = await b.ClaimAsync(10);

        Assert.Empty(notTheHead);
        Assert.Equal(["p1-first", "p2-first"], claimedByA.Select(l => l.PipelineId).Order());
        Assert.Empty(claimedByB);
        Assert.All(claimedByA, l => Assert.Null(l.PreviousOwner));

        // Its predecessor completed and released: the next one of the project may run, on either replica.
        var first = claimedByA.Single(l => l.PipelineId == "p1-first");
        await db.Pipelines.SaveBatchAsync([Pipeline("p1-first", "p1", At) with { Status = RunStatus.Completed, Result = RunResult.Succeeded }], [], [], fences: Fence(first));
        await a.ReleaseAsync(first);
        Assert.Equal(["p1-second"], (await b.ClaimAsync(10, "p1-second")).Select(l => l.PipelineId));
        Assert.Empty(await a.ClaimAsync(10));
    }

    [Fact]
    public async Task AReplicaWhoseLeaseRanOut_IsTakenOverWithANewToken_AndCanStoreNothingMore()
    {
        await using var db = await OpenAsync();
        var (a, b) = (db.Replica("a", TimeSpan.FromSeconds(1)), db.Replica("b"));
        await db.Pipelines.InsertAsync(Pipeline("p", "project", At));
        var held = Assert.Single(await a.ClaimAsync(1));

        // While the lease runs, nobody else claims it; the owner stores under its token.
        Assert.Empty(await b.ClaimAsync(1));
        await db.Pipelines.SaveBatchAsync([], [Event("p", 1)], [], fences: Fence(held));
        await db.ExpireAsync("p");
        var taken = Assert.Single(await b.ClaimAsync(1));
        var refused = await Assert.ThrowsAsync<LeaseLostException>(() => db.Pipelines.SaveBatchAsync([], [Event("p", 2)], [], fences: Fence(held)));
        await db.Pipelines.SaveBatchAsync([], [Event("p", 2) with { Time = At.AddHours(1) }], [], fences: Fence(taken));

        Assert.Equal("a", taken.PreviousOwner);
        Assert.True(taken.Fence > held.Fence);
        Assert.Equal(["p"], refused.PipelineIds);
        Assert.Equal(["p"], await a.RenewAsync([held]));
        Assert.Empty(await b.RenewAsync([taken]));
        Assert.Equal(At.AddHours(1), (await db.Pipelines.GetEventsAsync("p", 1)).Single().Time);
    }

    [Fact]
    public async Task AQueuedPipeline_IsClaimedToCompleteItOnce_AndAReleaseRefusesTheOldToken()
    {
        await using var db = await OpenAsync();
        var (a, b) = (db.Replica("a"), db.Replica("b"));
        await db.Pipelines.InsertAsync(Pipeline("queued", "project", At));

        var lease = await a.ClaimQueuedAsync("queued");
        var again = await b.ClaimQueuedAsync("queued");
        await a.ReleaseAsync(lease!);
        var stale = await Record.ExceptionAsync(() => db.Pipelines.SaveBatchAsync([], [Event("queued", 1)], [], fences: Fence(lease!)));

        Assert.NotNull(lease);
        Assert.Null(again);
        Assert.IsType<LeaseLostException>(stale);
        Assert.Null(await b.ClaimQueuedAsync("missing"));
    }

    [Fact]
    public async Task CommandsReachTheOwner_AndANotificationWakesTheOtherReplica()
    {
        await using var db = await OpenAsync();
        var (a, b) = (db.Replica("a"), db.Replica("b"));
        await db.Pipelines.InsertAsync(Pipeline("p", "project", At));
        b.Start();
        var wake = b.WorkSignal();
        var events = b.EventsSignal("p");

        await a.SendAsync(new PipelineCommand(0, "p", PipelineCommandKind.Gate, "deploy", true, "alice", "ok"));
        await wake.WaitAsync(TimeSpan.FromSeconds(30));
        await db.Pipelines.SaveBatchAsync([], [Event("p", 1)], []);
        await events.WaitAsync(TimeSpan.FromSeconds(30));

        var command = Assert.Single(await b.CommandsAsync(["p"], 0));
        Assert.Equal((PipelineCommandKind.Gate, "deploy", true, "alice", "ok"), (command.Kind, command.GateId, command.Approve, command.Actor, command.Comment));
        Assert.Empty(await b.CommandsAsync(["p"], command.Id));
        Assert.True(a.HasUnfinished("project"));
        Assert.False(a.HasUnfinished("project", except: "p"));
        Assert.Null(a.PendingPurge("project"));
    }

    [Fact]
    public async Task TheProjectStatusLock_IsHeldByOneReplicaAtATime_PerProject()
    {
        await using var db = await OpenAsync();
        var (a, b) = (db.Replica("a"), db.Replica("b"));

        var held = await a.LockProjectStatusAsync("project");
        var waiting = b.LockProjectStatusAsync("project");
        await using (await b.LockProjectStatusAsync("another-project"))
        {
            Assert.False(waiting.IsCompleted);
        }

        await held.DisposeAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static Dictionary<string, long> Fence(PipelineLease lease) => new() { [lease.PipelineId] = lease.Fence };

    private static Pipeline Pipeline(string id, string projectId, DateTimeOffset createdAt) =>
        new(id, projectId, "acme/" + projectId, 1, PipelineOperation.Deploy, PipelineTrigger.Create, "tester", null, RunStatus.Queued, RunResult.None, null, createdAt, null, null, [], [], [], 0, 4, false, null);

    private static PipelineEvent Event(string pipelineId, long sequence) =>
        new(pipelineId, sequence, At.AddSeconds(sequence), PipelineEventKind.PipelineChanged, false, PipelineStatus: (RunStatus.Running, RunResult.None, null));

    private async Task<Database> OpenAsync()
    {
        var connectionString = await cluster.NewDatabaseAsync();
        return new Database(connectionString, await PostgresStore.OpenAsync(connectionString));
    }

    private sealed class Database(string connectionString, PostgresStore store) : IAsyncDisposable
    {
        private readonly List<PostgresPipelineCoordination> _replicas = [];

        public PostgresPipelineStore Pipelines { get; } = new(store);

        public PostgresPipelineCoordination Replica(string name, TimeSpan? lease = null)
        {
            var replica = new PostgresPipelineCoordination(store, name, lease ?? TimeSpan.FromMinutes(1), e => throw e);
            _replicas.Add(replica);
            return replica;
        }

        /// <summary>Ends a pipeline's lease now, as if its owner had stopped renewing it long enough ago.</summary>
        public async Task ExpireAsync(string pipelineId)
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("UPDATE pipelines SET lease_until = now() - interval '1 second' WHERE id = $1", connection) { Parameters = { new() { Value = pipelineId } } };
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var replica in _replicas)
            {
                await replica.DisposeAsync();
            }

            await store.DisposeAsync();
        }
    }
}
