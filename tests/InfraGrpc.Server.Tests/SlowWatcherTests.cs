using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>A watcher that falls far behind is resynchronised with a snapshot and still ends on the terminal state.</summary>
public sealed class SlowWatcherTests(SlowServerFixture server) : IClassFixture<SlowServerFixture>
{
    private const int Nodes = 300;

    [Fact]
    public async Task WatchPipeline_ReaderThatStallsForThousandsOfEvents_IsResyncedAndEndsOnTheTerminalEvent()
    {
        await server.Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = WideChart() });
        var created = await server.Api.CreateAsync("wide", "wide-test", "dev");
        var id = created.Pipeline.Id;

        // The stalled watcher takes its first message, then reads nothing until the pipeline has ended,
        // so its buffer (1,024 events) and the HTTP/2 window overflow long before it reads again.
        using var stalled = server.Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = id });
        Assert.True(await stalled.ResponseStream.MoveNext(CancellationToken.None));
        var received = new List<Proto.WatchPipelineResponse> { stalled.ResponseStream.Current };
        var final = await server.Api.WaitAsync(id, TimeSpan.FromMinutes(3));
        await foreach (var e in stalled.ResponseStream.ReadAllAsync())
        {
            received.Add(e);
        }

        Assert.True(final.LastSequence > 2_000, $"the pipeline produced {final.LastSequence} events");
        Assert.True(received[^1].Terminal, "the stream ends with the terminal state");
        Assert.Equal(final.LastSequence, received[^1].Sequence);
        Assert.Contains(received.Skip(1), e => e.EventCase == Proto.WatchPipelineResponse.EventOneofCase.Snapshot);
        Assert.Equal(received.Select(e => e.Sequence).Order(), received.Select(e => e.Sequence));
        Assert.Equal(received.Count, received.Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task WatchPipeline_BatchingWatcherThatFallsBehind_CatchesUpInBatchesWithEveryEventOnceAndNoResync()
    {
        await server.Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = WideChart() });
        var created = await server.Api.CreateAsync("batched", "wide-test", "dev");
        var id = created.Pipeline.Id;

        // The batching watcher takes its snapshot, then reads nothing until a one-event-per-message watcher
        // has seen 400 more events: fewer than its buffer holds, so it is not resynchronised.
        using var batching = server.Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = id, AllowBatches = true });
        Assert.True(await batching.ResponseStream.MoveNext(CancellationToken.None));
        var snapshot = batching.ResponseStream.Current;
        Assert.Equal(Proto.WatchPipelineResponse.EventOneofCase.Snapshot, snapshot.EventCase);
        using var plain = server.Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = id });
        var plainMessages = new List<Proto.WatchPipelineResponse>();
        await foreach (var e in plain.ResponseStream.ReadAllAsync())
        {
            plainMessages.Add(e);
            if (e.Sequence >= snapshot.Sequence + 400 || e.Terminal)
            {
                break;
            }
        }

        var messages = new List<Proto.WatchPipelineResponse>();
        await foreach (var message in batching.ResponseStream.ReadAllAsync())
        {
            messages.Add(message);
        }

        var events = messages.SelectMany(m => m.Events.Count > 0 ? m.Events : [m]).ToList();
        Assert.Contains(messages, m => m.Events.Count > 1);
        Assert.All(messages.Where(m => m.Events.Count > 0), m => Assert.Equal(new Proto.WatchPipelineResponse { Events = { m.Events } }, m));
        Assert.DoesNotContain(events, e => e.EventCase == Proto.WatchPipelineResponse.EventOneofCase.Snapshot);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => snapshot.Sequence + (ulong)i), events.Select(e => e.Sequence));
        Assert.True(events[^1].Terminal, "the stream ends with the terminal event");
        Assert.Equal((await server.Api.WaitAsync(id)).LastSequence, events[^1].Sequence);
        Assert.All(plainMessages, m => Assert.Empty(m.Events));
    }

    private static Proto.ChartFiles WideChart()
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: wide-test}\nspec: {version: 1.0.0}\n"));
        files.Files.Add(Charts.File("values.yaml", $"params:\n  - {{name: count, type: number, value: {Nodes}}}\n"));
        files.Files.Add(Charts.File("templates/things.yaml", "{{#each (split \"" + string.Join(',', Enumerable.Range(0, Nodes)) + "\" \",\")}}\n---\napiVersion: test.infragrpc.dev/v1\nkind: Thing\nmetadata: {name: \"t{{this}}\"}\nspec: {}\n{{/each}}\n"));
        return files;
    }
}
