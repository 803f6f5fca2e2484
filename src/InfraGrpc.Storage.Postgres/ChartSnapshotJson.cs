using System.Text.Json;
using InfraGrpc.Domain.Charts;

namespace InfraGrpc.Storage.Postgres;

/// <summary>A chart definition as one JSON text: its files in base64, its parameters as <see cref="ChartParameterJson"/> writes them.</summary>
internal static class ChartSnapshotJson
{
    public static string Serialize(ChartDefinition chart) => JsonSerializer.Serialize(new Snapshot(
        chart.Name,
        chart.Version,
        chart.DisplayName,
        chart.Description,
        chart.IconUrl,
        chart.Format.ToString(),
        ChartParameterJson.Serialize(chart.Parameters),
        chart.Readme,
        chart.Files.Select(f => new SnapshotFile(f.Path, f.Content)).ToList(),
        chart.Digest));

    public static ChartDefinition Deserialize(string json)
    {
        var s = JsonSerializer.Deserialize<Snapshot>(json)!;
        return new ChartDefinition(
            s.Name,
            s.Version,
            s.DisplayName,
            s.Description,
            s.IconUrl,
            Enum.Parse<ChartFormat>(s.Format),
            ChartParameterJson.Deserialize(s.Parameters),
            s.Readme,
            s.Files.Select(f => new ChartFile(f.Path, f.Content)).ToList(),
            s.Digest);
    }

    private sealed record Snapshot(string Name, string Version, string DisplayName, string? Description, string? IconUrl, string Format, string Parameters, string? Readme, List<SnapshotFile> Files, string Digest);

    private sealed record SnapshotFile(string Path, byte[] Content);
}
