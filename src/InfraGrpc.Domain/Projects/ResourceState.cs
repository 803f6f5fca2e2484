namespace InfraGrpc.Domain.Projects;

/// <summary>The deployed state of one resource of a project.</summary>
public enum ResourceState
{
    Pending,
    Deployed,
    Failed,
    Destroyed,
    Orphaned,
}

/// <summary>
/// A project's record of one resource: its state and the outputs of its last successful apply, which
/// is what references read.
/// </summary>
public sealed record ProjectResource(
    string ProjectId,
    Resources.ResourceKey Key,
    ResourceState State,
    IReadOnlyDictionary<string, object?> Outputs,
    int AppliedRevision,
    string? LastPipelineId,
    DateTimeOffset UpdatedAt,
    string Provisioner);
