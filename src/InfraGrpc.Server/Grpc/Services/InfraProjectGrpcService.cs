using Grpc.Core;
using InfraGrpc.Domain.Errors;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Services;

/// <summary>
/// InfraProjectService is part of the v1 contract; its behaviour is not built yet, so every RPC answers
/// UNIMPLEMENTED naming what is missing (reflection still lists it, so clients and scripts see the whole contract).
/// </summary>
internal sealed class InfraProjectGrpcService : Proto.InfraProjectService.InfraProjectServiceBase
{
    private const string Missing = "Infra Projects (create, revisions, diff, rollback, lifecycle) are not built yet; see the Infra Projects issue";

    public override Task<Proto.CreateProjectResponse> CreateProject(Proto.CreateProjectRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("CreateProject", Missing);

    public override Task<Proto.GetProjectResponse> GetProject(Proto.GetProjectRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("GetProject", Missing);

    public override Task<Proto.ListProjectsResponse> ListProjects(Proto.ListProjectsRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("ListProjects", Missing);

    public override Task<Proto.UpdateProjectResponse> UpdateProject(Proto.UpdateProjectRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("UpdateProject", Missing);

    public override Task<Proto.PreviewProjectResponse> PreviewProject(Proto.PreviewProjectRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("PreviewProject", Missing);

    public override Task<Proto.UpgradeProjectChartResponse> UpgradeProjectChart(Proto.UpgradeProjectChartRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("UpgradeProjectChart", Missing);

    public override Task<Proto.ListProjectRevisionsResponse> ListProjectRevisions(Proto.ListProjectRevisionsRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("ListProjectRevisions", Missing);

    public override Task<Proto.GetProjectRevisionResponse> GetProjectRevision(Proto.GetProjectRevisionRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("GetProjectRevision", Missing);

    public override Task<Proto.DiffProjectRevisionsResponse> DiffProjectRevisions(Proto.DiffProjectRevisionsRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("DiffProjectRevisions", Missing);

    public override Task<Proto.RollbackProjectResponse> RollbackProject(Proto.RollbackProjectRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("RollbackProject", Missing);

    public override Task<Proto.ListProjectResourcesResponse> ListProjectResources(Proto.ListProjectResourcesRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("ListProjectResources", Missing);

    public override Task<Proto.UndeployProjectResponse> UndeployProject(Proto.UndeployProjectRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("UndeployProject", Missing);

    public override Task<Proto.DeleteProjectResponse> DeleteProject(Proto.DeleteProjectRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("DeleteProject", Missing);

    public override Task<Proto.PurgeProjectResponse> PurgeProject(Proto.PurgeProjectRequest request, ServerCallContext context) =>
        throw new FeatureNotImplementedException("PurgeProject", Missing);
}
