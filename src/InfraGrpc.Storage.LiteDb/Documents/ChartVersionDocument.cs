namespace InfraGrpc.Storage.LiteDb.Documents;

/// <summary>A stored chart version, files included. Id is <c>name@version</c>.</summary>
internal sealed class ChartVersionDocument
{
    public const string Collection = "chart_versions";

    public string Id { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Version { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    public string? Description { get; set; }

    public string? IconUrl { get; set; }

    public string Format { get; set; } = string.Empty;

    /// <summary>The parameters as JSON, so default values keep their types exactly.</summary>
    public string ParametersJson { get; set; } = "[]";

    public string? Readme { get; set; }

    public List<ChartFileDocument> Files { get; set; } = [];

    public string Digest { get; set; } = string.Empty;

    public long PublishedAtUnixMs { get; set; }

    public string PublishedBy { get; set; } = string.Empty;

    public bool BuiltIn { get; set; }
}

/// <summary>One stored chart file.</summary>
internal sealed class ChartFileDocument
{
    public string Path { get; set; } = string.Empty;

    public byte[] Content { get; set; } = [];
}
