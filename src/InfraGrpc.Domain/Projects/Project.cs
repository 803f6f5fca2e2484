namespace InfraGrpc.Domain.Projects;

/// <summary>
/// An Infra Project: identity, the chart it is an instance of, the current values and controls, and a
/// pointer to its current revision. The record stays small however long the history grows; revisions
/// and their manifests live apart.
/// </summary>
public sealed record Project(
    string Id,
    string Org,
    string Name,
    string Env,
    IReadOnlyDictionary<string, string> Labels,
    ProjectChart? Chart,
    PipelineControls Controls,
    IReadOnlyDictionary<string, object?> Values,
    int CurrentRevision,
    ProjectStatus Status,
    string? LastPipelineId,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The git source, for projects whose manifests come from a repository (Chart is null then).</summary>
    public Git.ProjectGit? Git { get; init; }

    /// <summary>For a pull-request preview, the project it was created from.</summary>
    public string? ParentProjectId { get; init; }

    /// <summary><c>org/name</c>, how people address a project.</summary>
    public string QualifiedName => Org + "/" + Name;
}
