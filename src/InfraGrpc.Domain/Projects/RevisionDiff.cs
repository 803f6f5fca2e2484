using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Projects;

/// <summary>Whether something was added, removed or changed between two revisions.</summary>
public enum ChangeKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>One value that differs, by dotted key.</summary>
public sealed record ValueChange(string Key, ChangeKind Change, object? OldValue, object? NewValue);

/// <summary>One resource whose manifest differs, with a unified diff of its YAML.</summary>
public sealed record ResourceChange(ResourceKey Key, ChangeKind Change, string UnifiedDiff);

/// <summary>The difference between two revisions.</summary>
public sealed record RevisionDiff(
    int FromRevision,
    int ToRevision,
    IReadOnlyList<ValueChange> Values,
    string? FromChartVersion,
    string? ToChartVersion,
    IReadOnlyList<ResourceChange> Resources)
{
    public bool IsEmpty => Values.Count == 0 && Resources.Count == 0 && FromChartVersion == ToChartVersion;
}
