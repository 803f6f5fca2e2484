using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Projects;

/// <summary>The lifecycle of DESIGN §4: undeploy keeps the record, delete never destroys, purge does both in order.</summary>
public sealed partial class ProjectService
{
    /// <summary>Requests a destroy pipeline; the record stays and can be deployed again.</summary>
    public async Task<Pipeline> UndeployAsync(string address, string actor, string? message, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        return await pipelines.LaunchAsync(
            new PipelineRequest(project.Id, project.CurrentRevision, PipelineOperation.Undeploy, PipelineTrigger.Manual, actor, message), cancellationToken);
    }

    /// <summary>Deletes the record only. While resources are deployed this is FAILED_PRECONDITION unless <paramref name="orphanResources"/> is set.</summary>
    public async Task<IReadOnlyList<ResourceKey>> DeleteAsync(string address, bool orphanResources, string actor, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        if (pipelines.HasActivePipeline(project.Id))
        {
            throw new PreconditionFailedException("PIPELINE_ACTIVE", $"{project.QualifiedName} has a pipeline queued or running; cancel it or wait for it to finish");
        }

        var deployed = (await store.ListResourcesAsync(project.Id, cancellationToken))
            .Where(r => r.State is ResourceState.Deployed or ResourceState.Failed)
            .Select(r => r.Key)
            .ToList();
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

    /// <summary>Requests a destroy pipeline whose success deletes the record; if the undeploy fails, the record stays.
    /// A project that never built a revision has nothing to destroy: it is deleted at once and null is returned.</summary>
    public async Task<Pipeline?> PurgeAsync(string address, string actor, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        if (project.CurrentRevision == 0 && !pipelines.HasActivePipeline(project.Id))
        {
            await store.DeleteAsync(new ProjectDeletion(project.Id, project.QualifiedName, actor, Now(), []), cancellationToken);
            return null;
        }

        return await pipelines.LaunchAsync(
            new PipelineRequest(project.Id, project.CurrentRevision, PipelineOperation.Undeploy, PipelineTrigger.Purge, actor, "purge"), cancellationToken);
    }
}
