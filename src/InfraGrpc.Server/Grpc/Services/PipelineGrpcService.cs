using Grpc.Core;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Server.Grpc.Mapping;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Services;

/// <summary>Pipelines over gRPC. Starting work and watching it are separate RPCs, so a watcher leaving cancels nothing.</summary>
internal sealed class PipelineGrpcService(PipelineEngine engine, PipelineQueries queries, ProjectService projects, PageTokens tokens) : Proto.PipelineService.PipelineServiceBase
{
    public override async Task<Proto.RunPipelineResponse> RunPipeline(Proto.RunPipelineRequest request, ServerCallContext context)
    {
        var operation = request.Operation == Proto.PipelineOperation.Undeploy ? PipelineOperation.Undeploy : PipelineOperation.Deploy;
        var pipeline = await projects.RunPipelineAsync(
            request.Project, operation, Null(request.CommitSha), request.BaseRevision, CallerIdentity.Actor(context), Null(request.Message), context.CancellationToken);
        return new Proto.RunPipelineResponse { Pipeline = PipelineMapper.ToProto(pipeline) };
    }

    private static string? Null(string value) => value.Length == 0 ? null : value;

    public override async Task<Proto.GetPipelineResponse> GetPipeline(Proto.GetPipelineRequest request, ServerCallContext context) =>
        new() { Pipeline = PipelineMapper.ToProto(await queries.GetAsync(request.PipelineId, context.CancellationToken)) };

    public override async Task<Proto.ListPipelinesResponse> ListPipelines(Proto.ListPipelinesRequest request, ServerCallContext context)
    {
        var scope = PageTokens.Scope("pipelines", request.Project, request.Status.ToString(), request.Result.ToString());
        var page = await queries.ListAsync(
            request.Project, PipelineMapper.ToDomain(request.Status), PipelineMapper.ToDomain(request.Result), CallerIdentity.Grants(context).VisibleOrgs,
            tokens.Request(request.PageSize, request.PageToken, scope), context.CancellationToken);
        var response = new Proto.ListPipelinesResponse { NextPageToken = tokens.Write(scope, page.NextKey) ?? string.Empty };
        response.Pipelines.Add(page.Items.Select(p => PipelineMapper.ToProto(p, withNodes: false)));
        return response;
    }

    public override async Task<Proto.GetLastPipelineResponse> GetLastPipeline(Proto.GetLastPipelineRequest request, ServerCallContext context) =>
        new() { Pipeline = PipelineMapper.ToProto(await queries.GetLastAsync(request.Project, context.CancellationToken)) };

    public override async Task WatchPipeline(Proto.WatchPipelineRequest request, IServerStreamWriter<Proto.WatchPipelineResponse> responseStream, ServerCallContext context)
    {
        Domain.Telemetry.InfraTelemetry.WatchStreams.Add(1);
        try
        {
            var maxBatch = request.AllowBatches ? WatchEncoding.MaxBatch : 1;
            await foreach (var batch in queries.WatchBatchesAsync(request.PipelineId, (long)request.AfterSequence, request.FromStart, maxBatch, context.CancellationToken))
            {
                await responseStream.WriteAsync(WatchEncoding.Message(batch), context.CancellationToken);
            }
        }
        finally
        {
            Domain.Telemetry.InfraTelemetry.WatchStreams.Add(-1);
        }
    }

    public override async Task StreamStackJobLogs(Proto.StreamStackJobLogsRequest request, IServerStreamWriter<Proto.StreamStackJobLogsResponse> responseStream, ServerCallContext context)
    {
        await foreach (var line in queries.StreamLogsAsync(request.PipelineId, request.NodeKey, (long)request.AfterSequence, request.Follow, context.CancellationToken))
        {
            await responseStream.WriteAsync(new Proto.StreamStackJobLogsResponse { Line = PipelineMapper.ToProto(line) }, context.CancellationToken);
        }
    }

    public override async Task<Proto.CancelPipelineResponse> CancelPipeline(Proto.CancelPipelineRequest request, ServerCallContext context)
    {
        await queries.GetAsync(request.PipelineId, context.CancellationToken);
        return new Proto.CancelPipelineResponse { Pipeline = PipelineMapper.ToProto(await engine.CancelAsync(request.PipelineId, CallerIdentity.Actor(context), request.Reason)) };
    }

    public override async Task<Proto.ResolveManualGateResponse> ResolveManualGate(Proto.ResolveManualGateRequest request, ServerCallContext context)
    {
        await queries.GetAsync(request.PipelineId, context.CancellationToken);
        var gate = await engine.ResolveGateAsync(request.PipelineId, request.GateId, request.Approve, CallerIdentity.Actor(context), request.Comment.Length == 0 ? null : request.Comment, context.CancellationToken);
        return new Proto.ResolveManualGateResponse { Gate = PipelineMapper.ToProto(gate) };
    }
}
