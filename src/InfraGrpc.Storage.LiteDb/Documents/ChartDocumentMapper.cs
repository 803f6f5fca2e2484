using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Storage.LiteDb.Documents;

/// <summary>Maps chart versions between Domain records and storage documents.</summary>
internal static class ChartDocumentMapper
{
    public static string Id(string name, string version) => name + "@" + version;

    public static ChartVersionDocument ToDocument(ChartVersion version)
    {
        var chart = version.Chart;
        return new ChartVersionDocument
        {
            Id = Id(chart.Name, chart.Version),
            Name = chart.Name,
            Version = chart.Version,
            DisplayName = chart.DisplayName,
            Description = chart.Description,
            IconUrl = chart.IconUrl,
            Format = chart.Format.ToString(),
            ParametersJson = ChartParameterJson.Serialize(chart.Parameters),
            Readme = chart.Readme,
            Files = chart.Files.Select(f => new ChartFileDocument { Path = f.Path, Content = f.Content }).ToList(),
            Digest = chart.Digest,
            PublishedAtUnixMs = version.PublishedAt.ToUnixTimeMilliseconds(),
            PublishedBy = version.PublishedBy,
            BuiltIn = version.BuiltIn,
        };
    }

    public static ChartVersion ToDomain(ChartVersionDocument document)
    {
        var parameters = ChartParameterJson.Deserialize(document.ParametersJson);
        var chart = new ChartDefinition(
            document.Name,
            document.Version,
            document.DisplayName,
            document.Description,
            document.IconUrl,
            Enum.Parse<ChartFormat>(document.Format),
            parameters,
            document.Readme,
            document.Files.Select(f => new ChartFile(f.Path, f.Content)).ToList(),
            document.Digest);
        return new ChartVersion(chart, DateTimeOffset.FromUnixTimeMilliseconds(document.PublishedAtUnixMs), document.PublishedBy, document.BuiltIn);
    }

    public static ChartVersionSummary ToSummary(ChartVersionDocument document) => new(
        document.Name,
        document.Version,
        document.DisplayName,
        document.Description,
        document.Digest,
        DateTimeOffset.FromUnixTimeMilliseconds(document.PublishedAtUnixMs),
        document.BuiltIn);

    public static ChartVersionSummary ToSummary(ChartHeadDocument head) => new(
        head.Id,
        head.LatestVersion,
        head.DisplayName,
        head.Description,
        head.Digest,
        DateTimeOffset.FromUnixTimeMilliseconds(head.PublishedAtUnixMs),
        head.BuiltIn);

    public static ChartHeadDocument ToHead(ChartVersionDocument document) => new()
    {
        Id = document.Name,
        LatestVersion = document.Version,
        DisplayName = document.DisplayName,
        Description = document.Description,
        Digest = document.Digest,
        PublishedAtUnixMs = document.PublishedAtUnixMs,
        BuiltIn = document.BuiltIn,
        SearchText = $"{document.Name}\n{document.DisplayName}\n{document.Description}".ToLowerInvariant(),
    };
}
