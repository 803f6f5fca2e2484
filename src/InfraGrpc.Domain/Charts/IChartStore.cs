using InfraGrpc.Domain.Paging;

namespace InfraGrpc.Domain.Charts;

/// <summary>What publishing found in the store.</summary>
public enum PublishOutcome
{
    /// <summary>The version was stored.</summary>
    Published,

    /// <summary>The same name, version and digest was already there; nothing was written.</summary>
    AlreadyPublished,

    /// <summary>The same name and version exists with another digest; nothing was written.</summary>
    Conflict,
}

/// <summary>The storage port of the chart catalog. Implementations keep each call atomic.</summary>
public interface IChartStore
{
    /// <summary>Stores a version unless one with the same name and version exists (compared by digest).</summary>
    Task<(PublishOutcome Outcome, ChartVersion Stored)> PublishAsync(ChartVersion version, CancellationToken cancellationToken = default);

    /// <summary>One version with files, or the latest (highest SemVer) when <paramref name="version"/> is null.</summary>
    Task<ChartVersion?> GetAsync(string name, string? version, CancellationToken cancellationToken = default);

    /// <summary>The latest version of each chart ordered by name, filtered by text in name, display name and description.</summary>
    Task<Page<ChartVersionSummary>> ListLatestAsync(string? filter, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Every version of one chart, highest SemVer first.</summary>
    Task<Page<ChartVersionSummary>> ListVersionsAsync(string name, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Deletes one version; false when it did not exist.</summary>
    Task<bool> DeleteVersionAsync(string name, string version, CancellationToken cancellationToken = default);
}
