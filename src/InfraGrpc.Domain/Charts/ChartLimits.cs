namespace InfraGrpc.Domain.Charts;

/// <summary>Resource limits for loading and rendering charts; each breach is a clear validation error.</summary>
public sealed record ChartLimits
{
    /// <summary>The largest compressed chart archive accepted.</summary>
    public long MaxArchiveBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The largest total size of a chart's files, uncompressed.</summary>
    public long MaxTotalBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>The most files a chart may have.</summary>
    public int MaxFiles { get; init; } = 500;

    /// <summary>The largest rendered output of one render, all templates together.</summary>
    public long MaxRenderedBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>How deeply partials may include partials.</summary>
    public int MaxPartialDepth { get; init; } = 32;

    /// <summary>How deeply blocks and sub-expressions may nest in a template.</summary>
    public int MaxTemplateNesting { get; init; } = 64;

    /// <summary>How long one render may take.</summary>
    public TimeSpan RenderTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public static ChartLimits Default { get; } = new();
}
