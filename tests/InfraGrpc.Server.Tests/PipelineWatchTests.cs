using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class PipelineWatchTests(SlowServerFixture server) : IClassFixture<SlowServerFixture>
{
    private Clients Api => server.Api;

    [Fact]
    public async Task Watchers_JoiningLateAndReconnecting_SeeEveryEventOnceInOrder()
    {
        var created = await Api.CreateAsync("watched", GraphChart.Name, "dev");
        var id = created.Pipeline.Id;

        // The first watcher follows from the start; a second reads a few events, drops, and resumes.
        var full = Collect(id, 0);
        var partial = new List<Proto.WatchPipelineResponse>();
        using (var cancel = new CancellationTokenSource())
        using (var call = Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = id }, cancellationToken: cancel.Token))
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync())
            {
                partial.Add(e);
                if (e.EventCase == Proto.WatchPipelineResponse.EventOneofCase.NodeChanged)
                {
                    break;
                }
            }
        }

        var resumed = await Collect(id, partial[^1].Sequence);
        var late = await Collect(id, 0);
        var all = await full;

        var first = all[0].Snapshot.LastSequence;
        Assert.Equal(Enumerable.Range((int)first + 1, all.Count - 1).Select(i => (ulong)i), all.Skip(1).Select(e => e.Sequence));
        Assert.True(all[^1].Terminal);
        var stitched = partial.Skip(1).Concat(resumed).Select(e => e.Sequence).ToList();
        Assert.Equal(stitched.Distinct(), stitched);
        Assert.Equal(Enumerable.Range((int)partial[0].Sequence + 1, stitched.Count).Select(i => (ulong)i), stitched);
        Assert.True(resumed[^1].Terminal);
        Assert.Single(late);
        Assert.True(late[0].Terminal);
        Assert.Equal(Proto.PipelineResult.Succeeded, late[0].Snapshot.Result);
        Assert.Equal(8, late[0].Snapshot.Nodes.Count);
    }

    [Fact]
    public async Task TwoHundredWatchers_EachSeeAGaplessStreamEndingOnTheSameTerminalEvent()
    {
        var created = await Api.CreateAsync("crowded", GraphChart.Name, "dev");

        var watchers = Enumerable.Range(0, 200).Select(_ => Collect(created.Pipeline.Id, 0)).ToList();
        var streams = await Task.WhenAll(watchers);

        var terminal = streams[0][^1].Sequence;
        Assert.All(streams, events =>
        {
            Assert.True(events[^1].Terminal);
            Assert.Equal(terminal, events[^1].Sequence);
            var start = events[0].Snapshot.LastSequence;
            Assert.Equal(Enumerable.Range((int)start + 1, events.Count - 1).Select(i => (ulong)i), events.Skip(1).Select(e => e.Sequence));
        });
    }

    [Fact]
    public async Task WatcherThatStopsReading_DoesNotDelayThePipeline()
    {
        var created = await Api.CreateAsync("stalled-watcher", GraphChart.Name, "dev");
        using var stalled = Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = created.Pipeline.Id });
        Assert.True(await stalled.ResponseStream.MoveNext(CancellationToken.None));

        var done = await Api.WaitAsync(created.Pipeline.Id, TimeSpan.FromSeconds(30));

        Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
    }

    [Fact]
    public async Task StreamStackJobLogs_ReplaysAFinishedJob_AndFollowsALiveOne()
    {
        var created = await Api.CreateAsync("logged", GraphChart.Name, "dev");
        var followed = Task.Run(async () =>
        {
            using var call = Api.Pipelines.StreamStackJobLogs(new Proto.StreamStackJobLogsRequest { PipelineId = created.Pipeline.Id, NodeKey = "Thing/h", Follow = true });
            return await call.ResponseStream.ReadAllAsync().Select(r => r.Line).ToListAsync();
        });
        await Api.WaitAsync(created.Pipeline.Id);

        using var replay = Api.Pipelines.StreamStackJobLogs(new Proto.StreamStackJobLogsRequest { PipelineId = created.Pipeline.Id, NodeKey = "Thing/h" });
        var replayed = await replay.ResponseStream.ReadAllAsync().Select(r => r.Line).ToListAsync();
        var live = await followed;

        Assert.Equal(replayed.Select(l => l.Text), live.Select(l => l.Text));
        Assert.Contains(replayed, l => l.Operation == Proto.StackJobOperationKind.Apply && l.Text.StartsWith("created Thing/h", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, replayed.Count).Select(i => (ulong)i), replayed.Select(l => l.Sequence));
    }

    [Fact]
    public async Task WatchPipeline_Unknown_IsNotFound()
    {
        using var call = Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = "no-such-pipeline" });

        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => call.ResponseStream.MoveNext(CancellationToken.None));
    }

    private Task<List<Proto.WatchPipelineResponse>> Collect(string id, ulong after) => Task.Run(async () =>
    {
        using var call = Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = id, AfterSequence = after });
        return await call.ResponseStream.ReadAllAsync().ToListAsync();
    });
}
