using System.Text;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Rendering;

namespace InfraGrpc.Domain.Tests;

/// <summary>Builds small in-memory charts for tests.</summary>
internal sealed class ChartBuilder
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    public ChartBuilder(string name = "test-chart", string version = "1.0.0", string? values = null)
    {
        _files["Chart.yaml"] = $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: {name}}}\nspec: {{version: {version}, displayName: Test Chart}}\n";
        if (values is not null)
        {
            _files["values.yaml"] = values;
        }
    }

    public ChartBuilder With(string path, string content)
    {
        _files[path] = content;
        return this;
    }

    public IReadOnlyList<ChartFile> Files => _files.Select(kv => new ChartFile(kv.Key, Encoding.UTF8.GetBytes(kv.Value))).ToList();

    public ChartDefinition Load(ChartLimits? limits = null) => ChartLoader.Load(Files, null, null, limits ?? ChartLimits.Default);

    public RenderResult Render(params string[] sets) => Render(limits: null, layers: [], sets: sets);

    public RenderResult Render(ChartLimits? limits, IReadOnlyList<IReadOnlyDictionary<string, object?>> layers, IReadOnlyList<string> sets, string env = "dev")
    {
        var renderer = new ChartRenderer(limits ?? ChartLimits.Default);
        return renderer.Render(Load(limits), new RenderInput(layers, sets, "demo", "acme", env));
    }

    /// <summary>A minimal manifest document.</summary>
    public static string Manifest(string kind, string name, string spec = "{}", string extraMetadata = "") =>
        $"apiVersion: test.infragrpc.dev/v1\nkind: {kind}\nmetadata:\n  name: {name}\n{extraMetadata}spec: {spec}\n";
}
