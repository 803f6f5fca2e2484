using Grpc.Core;
using InfraGrpc.Domain.Errors;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Services;

/// <summary>
/// PipelineService is part of the v1 contract; its behaviour is not built yet, so every RPC answers
/// UNIMPLEMENTED naming what is missing (reflection still lists it, so clients and scripts see the whole contract).
/// </summary>
internal sealed class PipelineGrpcService : Proto.PipelineService.PipelineServiceBase
{
    private const string Missing = "the pipeline engine (stack jobs, provisioners, watch streams) is not built yet; see the Infra Pipelines issue";

    public override Task<Proto.RunPipelineResponse> RunPipeline(Proto.RunPipelineRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("RunPipeline", Missing);

    public override Task<Proto.GetPipelineResponse> GetPipeline(Proto.GetPipelineRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("GetPipeline", Missing);

    public override Task<Proto.ListPipelinesResponse> ListPipelines(Proto.ListPipelinesRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("ListPipelines", Missing);

    public override Task<Proto.GetLastPipelineResponse> GetLastPipeline(Proto.GetLastPipelineRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("GetLastPipeline", Missing);

    public override Task WatchPipeline(Proto.WatchPipelineRequest request, IServerStreamWriter<Proto.WatchPipelineResponse> responseStream, ServerCallContext context) =>
        throw new FeatureNotImplementedException("WatchPipeline", Missing);

    public override Task StreamStackJobLogs(Proto.StreamStackJobLogsRequest request, IServerStreamWriter<Proto.StreamStackJobLogsResponse> responseStream, ServerCallContext context) =>
        throw new FeatureNotImplementedException("StreamStackJobLogs", Missing);

    public override Task<Proto.CancelPipelineResponse> CancelPipeline(Proto.CancelPipelineRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("CancelPipeline", Missing);

    public override Task<Proto.ResolveManualGateResponse> ResolveManualGate(Proto.ResolveManualGateRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("ResolveManualGate", Missing);
}
