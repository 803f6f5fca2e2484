namespace InfraGrpc.Storage.LiteDb.Documents;

/// <summary>The latest version of one chart, kept in step with publishes and deletes so the catalog lists without scanning versions. Id is the chart name.</summary>
internal sealed class ChartHeadDocument
{
    public const string Collection = "chart_heads";

    public string Id { get; set; } = string.Empty;

    public string LatestVersion { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    public string? Description { get; set; }

    public string Digest { get; set; } = string.Empty;

    public long PublishedAtUnixMs { get; set; }

    public bool BuiltIn { get; set; }

    /// <summary>Name, display name and description in lower case, for the text filter.</summary>
    public string SearchText { get; set; } = string.Empty;
}
