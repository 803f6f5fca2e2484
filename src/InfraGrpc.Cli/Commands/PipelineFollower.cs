using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary>Follows a pipeline over <c>WatchPipeline</c>, one line per event, and turns its result into the exit code.</summary>
internal static class PipelineFollower
{
    public static async Task<int> FollowAsync(CommandContext context, Proto.Pipeline? pipeline, bool noWait)
    {
        if (pipeline is null || pipeline.Id.Length == 0)
        {
            return ExitCodes.Success;
        }

        await context.Environment.Error.WriteLineAsync($"pipeline {pipeline.Id} requested");
        return noWait ? ExitCodes.Success : await WatchAsync(context, pipeline.Id);
    }

    public static async Task<int> WatchAsync(CommandContext context, string pipelineId)
    {
        var client = new Proto.PipelineService.PipelineServiceClient(context.Channel);
        using var call = client.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId }, cancellationToken: context.CancellationToken);
        var result = Proto.PipelineResult.Unspecified;
        while (await call.ResponseStream.MoveNext(context.CancellationToken))
        {
            var e = call.ResponseStream.Current;
            var text = e.EventCase switch
            {
                Proto.WatchPipelineResponse.EventOneofCase.Snapshot => $"pipeline {e.Snapshot.Status} {e.Snapshot.Result}",
                Proto.WatchPipelineResponse.EventOneofCase.PipelineChanged => $"pipeline {e.PipelineChanged.Status} {e.PipelineChanged.Result} {e.PipelineChanged.Reason}",
                Proto.WatchPipelineResponse.EventOneofCase.StageChanged => $"stage {e.StageChanged.Kind} {e.StageChanged.Status} {e.StageChanged.Result}",
                Proto.WatchPipelineResponse.EventOneofCase.NodeChanged => NodeLine(e.NodeChanged),
                Proto.WatchPipelineResponse.EventOneofCase.GateChanged => $"gate {e.GateChanged.Id} {e.GateChanged.State}",
                _ => "event",
            };
            context.Printer.Line($"[{e.Sequence}] {text}".TrimEnd());
            if (e.EventCase == Proto.WatchPipelineResponse.EventOneofCase.Snapshot)
            {
                // A follower that arrives late (or after a resync) still sees where every node stands.
                foreach (var node in e.Snapshot.Nodes)
                {
                    context.Printer.Line($"[{e.Sequence}] {NodeLine(node)}".TrimEnd());
                }
            }
            result = e.EventCase switch
            {
                Proto.WatchPipelineResponse.EventOneofCase.Snapshot => e.Snapshot.Result,
                Proto.WatchPipelineResponse.EventOneofCase.PipelineChanged => e.PipelineChanged.Result,
                _ => result,
            };
        }

        return result == Proto.PipelineResult.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string NodeLine(Proto.PipelineNode node) =>
        $"{node.Key} {node.StackJob?.Status} {node.StackJob?.Result} {node.StackJob?.Reason}";
}
