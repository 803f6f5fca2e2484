namespace InfraGrpc.Domain.Charts;

/// <summary>A published, immutable chart version in the catalog.</summary>
public sealed record ChartVersion(ChartDefinition Chart, DateTimeOffset PublishedAt, string PublishedBy, bool BuiltIn)
{
    public ChartVersionSummary ToSummary() =>
        new(Chart.Name, Chart.Version, Chart.DisplayName, Chart.Description, Chart.Digest, PublishedAt, BuiltIn);
}

/// <summary>A chart version without its files, for listings.</summary>
public sealed record ChartVersionSummary(
    string Name,
    string Version,
    string DisplayName,
    string? Description,
    string Digest,
    DateTimeOffset PublishedAt,
    bool BuiltIn);
