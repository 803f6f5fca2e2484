namespace InfraGrpc.Domain.Projects;

/// <summary>
/// One immutable revision: who, when, why, the values as given and as resolved, the chart, the
/// controls, and the digest of its rendered manifests (stored once, shared by equal revisions).
/// </summary>
public sealed record ProjectRevision(
    string ProjectId,
    int Number,
    string Actor,
    DateTimeOffset CreatedAt,
    string Message,
    RevisionCause Cause,
    IReadOnlyDictionary<string, object?> SuppliedValues,
    IReadOnlyDictionary<string, object?> ResolvedValues,
    ProjectChart? Chart,
    PipelineControls Controls,
    string ManifestsDigest,
    string? PipelineId,
    int? RolledBackFrom)
{
    /// <summary>For git projects, the commit this revision was built from.</summary>
    public Git.GitCommitInfo? Commit { get; init; }

    /// <summary>The clear values of sensitive parameters, sealed (<see cref="SensitiveValues"/>); null when there are none.</summary>
    public string? SealedSensitive { get; init; }
}
