using System.Runtime.CompilerServices;
using Google.Protobuf;
using InfraGrpc.Domain.Pipelines;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Mapping;

/// <summary>
/// Watch messages, with each pipeline event mapped and encoded once however many watchers receive it:
/// the engine hands every watcher the same <see cref="PipelineEvent"/> instance, and its encoding is
/// kept beside it for as long as the event lives. A watcher then costs a copy of bytes per event.
/// </summary>
internal static class WatchEncoding
{
    /// <summary>The most events one message carries, so a catching-up watcher's messages stay well under the default 4 MB receive limit.</summary>
    public const int MaxBatch = 256;

    private static readonly ConditionalWeakTable<PipelineEvent, Proto.WatchPipelineResponse> Encoded = [];

    /// <summary>One event as its own message, or several in one message's <c>events</c>.</summary>
    public static Proto.WatchPipelineResponse Message(IReadOnlyList<PipelineEvent> batch)
    {
        if (batch.Count == 1)
        {
            return Event(batch[0]);
        }

        var message = new Proto.WatchPipelineResponse();
        foreach (var e in batch)
        {
            message.Events.Add(Event(e));
        }

        return message;
    }

    private static Proto.WatchPipelineResponse Event(PipelineEvent e) =>
        // A snapshot is made for one watcher (it is the state at the moment it asks), so it is never shared.
        e.Kind == PipelineEventKind.Snapshot
            ? PipelineMapper.ToProto(e)
            : Encoded.GetValue(e, static e => Proto.WatchPipelineResponse.FromEncoded(PipelineMapper.ToProto(e).ToByteArray()));
}
