using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Projects;

/// <summary>
/// The lifecycle of DESIGN §4: undeploy keeps the record, delete never destroys, purge does both in order.
/// Which controls gate which operation is <see cref="ControlPolicy"/>.
/// </summary>
public sealed partial class ProjectService
{
    /// <summary>Requests a pipeline by hand: a redeploy of the current revision, a git commit, or an undeploy.</summary>
    /// <exception cref="PreconditionFailedException">Controls forbid it, a purge is pending, or the project has no revision.</exception>
    /// <exception cref="ConcurrencyException"><paramref name="baseRevision"/> is set and not the current revision.</exception>
    public async Task<Pipeline> RunPipelineAsync(
        string address, PipelineOperation operation, string? commit, int baseRevision, string actor, string? message, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        CheckNotPurging(project);
        CheckBase(project, baseRevision);
        var undeploy = operation == PipelineOperation.Undeploy;
        ControlPolicy.CheckExplicit(project, undeploy ? ControlledOperation.Undeploy : ControlledOperation.RunPipeline);
        if (!undeploy && (commit is not null || project.Git is not null))
        {
            return (await DeployCommitAsync(project, commit, PipelineTrigger.Manual, actor, message, cancellationToken))!;
        }

        return await pipelines.LaunchAsync(new PipelineRequest(project.Id, project.CurrentRevision, operation, PipelineTrigger.Manual, actor, message), cancellationToken);
    }

    /// <summary>Requests a destroy pipeline; the record stays and can be deployed again.</summary>
    public Task<Pipeline> UndeployAsync(string address, string actor, string? message, int baseRevision = 0, CancellationToken cancellationToken = default) =>
        RunPipelineAsync(address, PipelineOperation.Undeploy, null, baseRevision, actor, message, cancellationToken);

    /// <summary>Deletes the record only. While resources are deployed this is FAILED_PRECONDITION unless <paramref name="orphanResources"/> is set.</summary>
    public async Task<IReadOnlyList<ResourceKey>> DeleteAsync(string address, bool orphanResources, string actor, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        if (pipelines.HasActivePipeline(project.Id))
        {
            throw new PreconditionFailedException("PIPELINE_ACTIVE", $"{project.QualifiedName} has a pipeline queued or running; cancel it or wait for it to finish");
        }

        var deployed = await DeployedKeysAsync(project, cancellationToken);
        if (deployed.Count > 0 && !orphanResources)
        {
            throw new PreconditionFailedException(
                "RESOURCES_DEPLOYED",
                $"{project.QualifiedName} still has {deployed.Count} deployed resources ({string.Join(", ", deployed.Take(5))}); undeploy or purge it, or delete with orphan_resources to leave them in the cloud",
                new Dictionary<string, string> { ["project"] = project.QualifiedName, ["deployed_resources"] = deployed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        await store.DeleteAsync(new ProjectDeletion(project.Id, project.QualifiedName, actor, Now(), deployed), cancellationToken);
        return deployed;
    }

    /// <summary>Removes a record that may be unreadable, without reading it; destroys nothing. An administrator's path.</summary>
    /// <exception cref="ValidationException">No reason is given.</exception>
    /// <exception cref="NotFoundException">No such record.</exception>
    /// <exception cref="PreconditionFailedException">A pipeline of the project is queued or running.</exception>
    public async Task<ForcedDeletion> ForceDeleteAsync(string address, string reason, string actor, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationException("reason", "say why the record is removed without being read");
        }

        var removed = await store.ForceDeleteAsync(address, actor, reason.Trim(), Now(), pipelines.HasActivePipeline, cancellationToken)
            ?? throw new NotFoundException("project", address);
        return removed.Busy
            ? throw new PreconditionFailedException("PIPELINE_ACTIVE", $"{removed.QualifiedName} has a pipeline queued or running; cancel it or wait for it to finish")
            : removed;
    }

    /// <summary>
    /// Requests a destroy pipeline whose success deletes the record; if the undeploy fails, the record stays.
    /// A project that never built a revision, or that has nothing deployed while its controls forbid
    /// pipelines or deployments, has nothing to destroy: it is deleted at once and null is returned. A
    /// second purge while one is pending returns the pending one.
    /// </summary>
    public async Task<Pipeline?> PurgeAsync(string address, string actor, int baseRevision = 0, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        if (pipelines.PendingPurge(project.Id) is { } pending)
        {
            return pending;
        }

        CheckBase(project, baseRevision);
        var idle = !pipelines.HasActivePipeline(project.Id);
        var nothingDeployed = idle && (project.CurrentRevision == 0 || (await DeployedKeysAsync(project, cancellationToken)).Count == 0);
        var forbidden = project.Controls.DisablePipelines || project.Controls.DisableDeployments;
        if (idle && (project.CurrentRevision == 0 || (nothingDeployed && forbidden)))
        {
            await store.DeleteAsync(new ProjectDeletion(project.Id, project.QualifiedName, actor, Now(), []), cancellationToken);
            return null;
        }

        ControlPolicy.CheckExplicit(project, ControlledOperation.Purge);
        return await pipelines.LaunchAsync(
            new PipelineRequest(project.Id, project.CurrentRevision, PipelineOperation.Undeploy, PipelineTrigger.Purge, actor, "purge"), cancellationToken);
    }

    private async Task<List<ResourceKey>> DeployedKeysAsync(Project project, CancellationToken cancellationToken) =>
        (await store.ListResourcesAsync(project.Id, cancellationToken)).Where(Reconciler.MayExist).Select(r => r.Key).ToList();

    // Once a purge is requested the project is on its way out: changes would be lost with it.
    private void CheckNotPurging(Project project)
    {
        if (pipelines.PendingPurge(project.Id) is { } purge)
        {
            throw new PreconditionFailedException(
                "PURGE_PENDING",
                $"{project.QualifiedName} is being purged (pipeline {purge.Id}); cancel that pipeline to keep the project",
                new Dictionary<string, string> { ["project"] = project.QualifiedName, ["pipeline_id"] = purge.Id });
        }
    }
}
