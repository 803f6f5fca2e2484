using Grpc.Core;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Server.Grpc.Mapping;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Services;

/// <summary>Infra Projects over gRPC: validate, map, call <see cref="ProjectService"/>, map back.</summary>
internal sealed class InfraProjectGrpcService(ProjectService projects, PipelineQueries pipelines, Hosting.ListenerAddresses addresses, PageTokens tokens, Secrets.SecretBox secrets) : Proto.InfraProjectService.InfraProjectServiceBase
{
    public override async Task<Proto.CreateProjectResponse> CreateProject(Proto.CreateProjectRequest request, ServerCallContext context)
    {
        if (request.SourceCase == Proto.CreateProjectRequest.SourceOneofCase.Git)
        {
            var git = ToDomain(request.Git);
            var created = await projects.CreateGitAsync(
                request.Name, Default(request.Org), Default(request.Env), request.Labels.ToDictionary(), git, ProjectMapper.ToDomain(request.Controls),
                Null(request.RequestId), request.Message, CallerIdentity.Actor(context), cancellationToken: context.CancellationToken);
            var gitResponse = new Proto.CreateProjectResponse { Project = ProjectMapper.ToProto(created.Project, created.Pipeline, addresses.HttpUri) };
            gitResponse.Pipeline = PipelineMapper.ToProtoOrNull(created.Pipeline);

            return gitResponse;
        }

        var chart = request.SourceCase switch
        {
            Proto.CreateProjectRequest.SourceOneofCase.Chart => new ChartSourceInput(request.Chart.Name, request.Chart.Version, null),
            Proto.CreateProjectRequest.SourceOneofCase.ChartFiles => new ChartSourceInput(null, null, ChartMapper.ToDomain(request.ChartFiles)),
            _ => new ChartSourceInput(null, null, null),
        };
        var command = new CreateProjectCommand(
            request.Name,
            Default(request.Org),
            Default(request.Env),
            request.Labels.ToDictionary(),
            chart,
            ProjectMapper.ToDomain(request.Values),
            ProjectMapper.ToDomain(request.Controls),
            request.RequestId.Length == 0 ? null : request.RequestId,
            request.ValidateOnly,
            request.Message,
            CallerIdentity.Actor(context));
        var change = await projects.CreateAsync(command, context.CancellationToken);
        var response = new Proto.CreateProjectResponse
        {
            Project = ProjectMapper.ToProto(change.Project, change.Pipeline),
            Revision = ProjectMapper.ToProto(change.Revision!, change.Rendered),
        };
        response.Pipeline = PipelineMapper.ToProtoOrNull(change.Pipeline);

        return response;
    }

    public override async Task<Proto.GetProjectResponse> GetProject(Proto.GetProjectRequest request, ServerCallContext context)
    {
        var project = await projects.GetAsync(request.Project, context.CancellationToken);
        var last = project.LastPipelineId is null ? null : await pipelines.FindSummaryAsync(project.LastPipelineId, context.CancellationToken);
        return new Proto.GetProjectResponse { Project = ProjectMapper.ToProto(project, last, addresses.HttpUri) };
    }

    public override async Task<Proto.ListProjectsResponse> ListProjects(Proto.ListProjectsRequest request, ServerCallContext context)
    {
        var filter = new ProjectFilter(Null(request.Org), Null(request.Env), Null(request.Chart), LabelSelector.Parse(request.LabelSelector), Null(request.Filter))
        {
            VisibleOrgs = CallerIdentity.Grants(context).VisibleOrgs,
        };
        var scope = PageTokens.Scope("projects", filter.Org, filter.Env, filter.Chart, LabelSelector.Canonical(filter.Selector), filter.Text);
        var page = await projects.ListAsync(filter, tokens.Request(request.PageSize, request.PageToken, scope), context.CancellationToken);
        var response = new Proto.ListProjectsResponse { NextPageToken = tokens.Write(scope, page.NextKey) ?? string.Empty };
        response.Projects.Add(page.Items.Select(p => ProjectMapper.ToProto(p, webhookBase: addresses.HttpUri)));
        return response;
    }

    public override async Task<Proto.UpdateProjectResponse> UpdateProject(Proto.UpdateProjectRequest request, ServerCallContext context)
    {
        var change = await projects.UpdateAsync(ToCommand(await SameSecretKeptAsync(request, context), context), context.CancellationToken);
        var response = new Proto.UpdateProjectResponse { Project = ProjectMapper.ToProto(change.Project), Changed = change.Changed };
        if (change.Revision is not null)
        {
            response.Revision = ProjectMapper.ToProto(change.Revision);
        }

        response.Pipeline = PipelineMapper.ToProtoOrNull(change.Pipeline);
        response.Plan = ProjectMapper.ToProtoOrNull(change.Plan);
        return response;
    }

    public override async Task<Proto.PreviewProjectResponse> PreviewProject(Proto.PreviewProjectRequest request, ServerCallContext context)
    {
        var change = await projects.PreviewAsync(ToCommand(request.Update ?? new Proto.UpdateProjectRequest(), context), context.CancellationToken);
        var response = new Proto.PreviewProjectResponse();
        if (change.Revision is not null)
        {
            response.Revision = ProjectMapper.ToProto(change.Revision, change.Rendered);
        }

        if (change.Diff is not null)
        {
            response.Diff = ProjectMapper.ToProto(change.Diff);
        }

        response.Plan = ProjectMapper.ToProtoOrNull(change.Plan);
        return response;
    }

    public override async Task<Proto.UpgradeProjectChartResponse> UpgradeProjectChart(Proto.UpgradeProjectChartRequest request, ServerCallContext context)
    {
        var patch = request.ValuesPatch is null ? null : ProjectMapper.ToDomain(request.ValuesPatch);
        var change = await projects.UpgradeAsync(request.Project, Null(request.Version), request.BaseRevision, request.Message, CallerIdentity.Actor(context), request.ValidateOnly, patch, context.CancellationToken);
        var response = new Proto.UpgradeProjectChartResponse { Project = ProjectMapper.ToProto(change.Project), Revision = ProjectMapper.ToProto(change.Revision!) };
        if (change.Diff is not null)
        {
            response.Diff = ProjectMapper.ToProto(change.Diff);
        }

        response.Pipeline = PipelineMapper.ToProtoOrNull(change.Pipeline);
        response.Plan = ProjectMapper.ToProtoOrNull(change.Plan);
        return response;
    }

    public override async Task<Proto.ListProjectRevisionsResponse> ListProjectRevisions(Proto.ListProjectRevisionsRequest request, ServerCallContext context)
    {
        var scope = PageTokens.Scope("revisions", request.Project);
        var page = await projects.ListRevisionsAsync(request.Project, tokens.Request(request.PageSize, request.PageToken, scope), context.CancellationToken);
        var response = new Proto.ListProjectRevisionsResponse { NextPageToken = tokens.Write(scope, page.NextKey) ?? string.Empty };
        foreach (var revision in page.Items)
        {
            response.Revisions.Add(request.IncludeManifests
                ? ProjectMapper.ToProto(revision, await projects.GetRevisionAsync(request.Project, revision.Number, context.CancellationToken))
                : ProjectMapper.ToProto(revision));
        }

        return response;
    }

    public override async Task<Proto.GetProjectRevisionResponse> GetProjectRevision(Proto.GetProjectRevisionRequest request, ServerCallContext context)
    {
        var rendered = await projects.GetRevisionAsync(request.Project, request.Number, context.CancellationToken);
        return new Proto.GetProjectRevisionResponse { Revision = ProjectMapper.ToProto(rendered.Revision, rendered) };
    }

    public override async Task<Proto.DiffProjectRevisionsResponse> DiffProjectRevisions(Proto.DiffProjectRevisionsRequest request, ServerCallContext context)
    {
        var diff = await projects.DiffAsync(request.Project, request.FromRevision, request.ToRevision, context.CancellationToken);
        return new Proto.DiffProjectRevisionsResponse { Diff = ProjectMapper.ToProto(diff) };
    }

    public override async Task<Proto.RollbackProjectResponse> RollbackProject(Proto.RollbackProjectRequest request, ServerCallContext context)
    {
        var change = await projects.RollbackAsync(request.Project, request.ToRevision, request.BaseRevision, request.Message, CallerIdentity.Actor(context), context.CancellationToken);
        var response = new Proto.RollbackProjectResponse { Project = ProjectMapper.ToProto(change.Project), Revision = ProjectMapper.ToProto(change.Revision!) };
        response.Pipeline = PipelineMapper.ToProtoOrNull(change.Pipeline);
        response.Plan = ProjectMapper.ToProtoOrNull(change.Plan);
        return response;
    }

    public override async Task<Proto.ListProjectResourcesResponse> ListProjectResources(Proto.ListProjectResourcesRequest request, ServerCallContext context)
    {
        var resources = await projects.ListResourcesAsync(request.Project, context.CancellationToken);
        var response = new Proto.ListProjectResourcesResponse();
        response.Resources.Add(resources.Select(ProjectMapper.ToProto));
        return response;
    }

    public override async Task<Proto.UndeployProjectResponse> UndeployProject(Proto.UndeployProjectRequest request, ServerCallContext context)
    {
        var pipeline = await projects.UndeployAsync(request.Project, CallerIdentity.Actor(context), Null(request.Message), request.BaseRevision, context.CancellationToken);
        return new Proto.UndeployProjectResponse { Pipeline = PipelineMapper.ToProto(pipeline) };
    }

    public override async Task<Proto.DeleteProjectResponse> DeleteProject(Proto.DeleteProjectRequest request, ServerCallContext context)
    {
        var orphaned = await projects.DeleteAsync(request.Project, request.OrphanResources, CallerIdentity.Actor(context), context.CancellationToken);
        var response = new Proto.DeleteProjectResponse();
        response.OrphanedResources.Add(orphaned.Select(ResourceMapper.ToProto));
        return response;
    }

    public override async Task<Proto.PurgeProjectResponse> PurgeProject(Proto.PurgeProjectRequest request, ServerCallContext context)
    {
        var pipeline = await projects.PurgeAsync(request.Project, CallerIdentity.Actor(context), request.BaseRevision, context.CancellationToken);
        return new Proto.PurgeProjectResponse { Pipeline = PipelineMapper.ToProtoOrNull(pipeline), Deleted = pipeline is null };
    }

    public override async Task<Proto.ForceDeleteProjectResponse> ForceDeleteProject(Proto.ForceDeleteProjectRequest request, ServerCallContext context)
    {
        var removed = await projects.ForceDeleteAsync(request.Project, request.Reason, CallerIdentity.Actor(context), context.CancellationToken);
        return new Proto.ForceDeleteProjectResponse { ProjectId = removed.ProjectId, QualifiedName = removed.QualifiedName, RemovedResourceRecords = removed.ResourceRecords };
    }

    // Sealing is randomised: a webhook secret sent again unchanged is dropped from the request, so it changes nothing.
    private async Task<Proto.UpdateProjectRequest> SameSecretKeptAsync(Proto.UpdateProjectRequest request, ServerCallContext context)
    {
        if (request.Git is not { WebhookSecret.Length: > 0 } git)
        {
            return request;
        }

        var current = await projects.GetAsync(request.Project, context.CancellationToken);
        if (current.Git?.WebhookSecret is not { } stored || !secrets.Holds(stored, git.WebhookSecret))
        {
            return request;
        }

        var kept = request.Clone();
        kept.Git.WebhookSecret = string.Empty;
        return kept;
    }

    private UpdateProjectCommand ToCommand(Proto.UpdateProjectRequest request, ServerCallContext context)
    {
        var mask = request.UpdateMask?.Paths.ToHashSet(StringComparer.Ordinal);
        if (mask is not null && mask.Except(MaskPaths).ToList() is { Count: > 0 } unknown)
        {
            throw new ValidationException("update_mask", $"unknown path {string.Join(", ", unknown.Take(5).Select(p => $"'{Excerpt.Of(p)}'"))}; the paths are {string.Join(", ", MaskPaths)}");
        }

        bool In(string path) => mask is null || mask.Contains(path);
        var controls = ProjectMapper.ToDomain(request.Controls ?? new Proto.PipelineControls());
        var singleControls = mask?.Where(p => p.StartsWith("controls.", StringComparison.Ordinal)).ToList() ?? [];
        return new UpdateProjectCommand(
            request.Project,
            request.BaseRevision,
            mask is null ? (request.Values is null ? null : ProjectMapper.ToDomain(request.Values)) : In("values") ? ProjectMapper.ToDomain(request.Values ?? new Proto.ValuesInput()) : null,
            In("values_patch") && request.ValuesPatch is not null ? ProjectMapper.ToDomain(request.ValuesPatch) : null,
            mask is null ? (request.Controls is null ? null : controls) : In("controls") ? controls : null,
            (mask is null && request.UpdateLabels) || (mask is not null && In("labels")) ? request.Labels.ToDictionary() : null,
            request.Message,
            CallerIdentity.Actor(context))
        {
            Git = In("git") && request.Git is not null ? ToDomain(request.Git) : null,
            ControlsChange = singleControls.Count == 0 || In("controls") && mask is not null ? null : current => current with
            {
                DisablePipelines = singleControls.Contains("controls.disable_pipelines") ? controls.DisablePipelines : current.DisablePipelines,
                DisableDeployments = singleControls.Contains("controls.disable_deployments") ? controls.DisableDeployments : current.DisableDeployments,
                EnablePullRequestDeployments = singleControls.Contains("controls.enable_pull_request_deployments") ? controls.EnablePullRequestDeployments : current.EnablePullRequestDeployments,
                RequireApproval = singleControls.Contains("controls.require_approval") ? controls.RequireApproval : current.RequireApproval,
            },
        };
    }

    private static readonly string[] MaskPaths =
        ["values", "values_patch", "labels", "git", "controls", "controls.disable_pipelines", "controls.disable_deployments", "controls.enable_pull_request_deployments", "controls.require_approval"];

    // The webhook secret is sealed here, as it arrives: the domain and the store only ever hold the sealed form.
    private Domain.Git.ProjectGit ToDomain(Proto.GitSourceInput git) => new(
        git.Url,
        git.Ref.Length == 0 ? "main" : git.Ref,
        git.Path,
        git.WebhookSecret.Length == 0 ? null : secrets.Seal(git.WebhookSecret),
        null);

    private static string Default(string value) => value.Length == 0 ? "default" : value;

    private static string? Null(string value) => value.Length == 0 ? null : value;
}
