using Google.Protobuf;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Server.Grpc.Mapping;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>An event is encoded once and then sent as bytes: what a watcher receives must be exactly the mapped event.</summary>
public sealed class WatchEncodingTests
{
    private static readonly DateTimeOffset Time = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);

    [Fact]
    public void Message_OneEvent_IsTheMappedEventByteForByteAndTheSameInstanceForEveryWatcher()
    {
        var e = NodeEvent(7);

        var first = WatchEncoding.Message([e]);

        Assert.Equal(PipelineMapper.ToProto(e).ToByteArray(), first.ToByteArray());
        Assert.Equal(PipelineMapper.ToProto(e), Proto.WatchPipelineResponse.Parser.ParseFrom(first.ToByteArray()));
        Assert.Same(first, WatchEncoding.Message([e]));
    }

    [Fact]
    public void Message_SeveralEvents_ParsesAsABatchOfTheMappedEventsInOrder()
    {
        var events = new[] { NodeEvent(3), NodeEvent(4), NodeEvent(5) };

        var parsed = Proto.WatchPipelineResponse.Parser.ParseFrom(WatchEncoding.Message(events).ToByteArray());

        Assert.Equal(new Proto.WatchPipelineResponse { Events = { events.Select(PipelineMapper.ToProto) } }, parsed);
    }

    private static PipelineEvent NodeEvent(long sequence)
    {
        var job = new StackJob(RunStatus.Running, RunResult.None, null, Time, null, [], new Dictionary<string, object?> { ["id"] = "i-1" }, "simulated", false, 2);
        var node = new PipelineNode(new ResourceKey("Thing", $"t{sequence}"), [new ResourceKey("Thing", "t0")], job);
        return new PipelineEvent("p-1", sequence, Time.AddSeconds(sequence), PipelineEventKind.NodeChanged, false, Node: node) { NodeChange = NodeChangeKind.Started };
    }
}
