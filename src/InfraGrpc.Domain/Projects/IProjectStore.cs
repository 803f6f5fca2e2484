using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Paging;

namespace InfraGrpc.Domain.Projects;

/// <summary>What creating a project found in the store.</summary>
public enum CreateOutcome
{
    Created,

    /// <summary>A create with the same request id was already done; the stored project is returned.</summary>
    Replayed,

    /// <summary>Another project has the name in the org.</summary>
    NameTaken,
}

/// <summary>The storage port of projects, revisions, manifests, chart snapshots and resources. Each call is atomic.</summary>
public interface IProjectStore
{
    /// <summary>Stores a project with revision 1, its manifests and its chart snapshot in one transaction.</summary>
    Task<(CreateOutcome Outcome, Project Project)> CreateAsync(
        Project project, ProjectRevision revision, ManifestSet manifests, ChartDefinition snapshot, string? requestId, CancellationToken cancellationToken = default);

    /// <summary>Stores a git project, which has no revision until its first pipeline builds one.</summary>
    Task<(CreateOutcome Outcome, Project Project)> CreateGitAsync(Project project, string? requestId, CancellationToken cancellationToken = default);

    /// <summary>Git projects whose normalised repository URL is <paramref name="normalizedUrl"/>.</summary>
    Task<IReadOnlyList<Project>> FindByRepositoryAsync(string normalizedUrl, CancellationToken cancellationToken = default);

    Task<Project?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>How many projects are on a catalog chart version now (their current revision renders it).</summary>
    Task<int> CountOnChartVersionAsync(string chart, string version, CancellationToken cancellationToken = default);

    Task<Project?> GetByNameAsync(string org, string name, CancellationToken cancellationToken = default);

    Task<Page<Project>> ListAsync(ProjectFilter filter, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Appends a revision if the project is still at <paramref name="expectedRevision"/>; returns false when it moved on.</summary>
    Task<bool> AppendRevisionAsync(
        Project updated, int expectedRevision, ProjectRevision revision, ManifestSet manifests, ChartDefinition? snapshot, CancellationToken cancellationToken = default);

    /// <summary>Sets only the status and last pipeline, so the engine never overwrites a concurrent change to the record.</summary>
    Task SetStatusAsync(string projectId, ProjectStatus status, string? lastPipelineId, CancellationToken cancellationToken = default);

    /// <summary>The deployed resources with this key in the other projects of the org, each with its project, for references that point outside a project.</summary>
    Task<IReadOnlyList<(Project Project, ProjectResource Resource)>> FindDeployedResourcesAsync(string org, Resources.ResourceKey key, string excludeProjectId, CancellationToken cancellationToken = default);

    /// <summary>Replaces the project record without a revision (labels).</summary>
    Task SaveAsync(Project project, CancellationToken cancellationToken = default);

    Task<ProjectRevision?> GetRevisionAsync(string projectId, int number, CancellationToken cancellationToken = default);

    /// <summary>Revisions newest first.</summary>
    Task<Page<ProjectRevision>> ListRevisionsAsync(string projectId, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Links a revision to the pipeline it triggered.</summary>
    Task SetRevisionPipelineAsync(string projectId, int number, string pipelineId, CancellationToken cancellationToken = default);

    Task<ManifestSet?> GetManifestsAsync(string digest, CancellationToken cancellationToken = default);

    Task<ChartDefinition?> GetSnapshotAsync(string digest, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ProjectResource>> ListResourcesAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Removes the project, its revisions and resource records and records the deletion; pipelines stay for the audit trail.</summary>
    Task DeleteAsync(ProjectDeletion deletion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds a project record by id or <c>org/name</c> without reading its content, and removes it with its
    /// revisions and resource records, writing the deletion; null when there is no such record.
    /// For records that can no longer be read; destroys nothing.
    /// </summary>
    Task<ForcedDeletion?> ForceDeleteAsync(string address, string actor, string reason, DateTimeOffset at, Func<string, bool> isBusy, CancellationToken cancellationToken = default);
}
