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
            ParametersJson = Json.Serialize(chart.Parameters.Select(p => (object?)new Dictionary<string, object?>
            {
                ["name"] = p.Name,
                ["description"] = p.Description,
                ["type"] = p.Type.ToString(),
                ["hasDefault"] = p.HasDefault,
                ["default"] = p.DefaultValue,
                ["required"] = p.Required,
                ["enumValues"] = p.EnumValues.Cast<object?>().ToList(),
                ["sensitive"] = p.Sensitive,
            }).ToList()),
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
        var parameters = ((List<object?>)Json.Parse(document.ParametersJson)!)
            .Cast<Dictionary<string, object?>>()
            .Select(p => new ChartParameter(
                (string)p["name"]!,
                p["description"] as string,
                Enum.Parse<ParameterType>((string)p["type"]!),
                p["hasDefault"] is true,
                p["default"],
                p["required"] is true,
                ((List<object?>)p["enumValues"]!).Cast<string>().ToList())
            {
                Sensitive = p.GetValueOrDefault("sensitive") is true,
            })
            .ToList();
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
