using System.Diagnostics;
using System.Text;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Rendering;

namespace InfraGrpc.Bench;

/// <summary>
/// Renders a compiled 100-resource chart (Handlebars, YAML parsing, manifest validation and the graph)
/// many times and reports milliseconds per render. With an export folder it also writes the chart and
/// its context so handlebars.js can render the same templates in the same run.
/// </summary>
internal static class RenderBench
{
    private const int Renders = 300;

    public static int Run(string? exportDirectory)
    {
        var files = BenchCharts.Layered("render-bench", layers: 10, width: 10);
        var chart = ChartLoader.Load(files.Select(f => new ChartFile(f.Key, Encoding.UTF8.GetBytes(f.Value))).ToList(), null, null, ChartLimits.Default);
        var renderer = new ChartRenderer(ChartLimits.Default);
        var input = new RenderInput([], [], "bench", "acme", "prod");
        var first = renderer.Render(chart, input);
        for (var i = 0; i < 50; i++)
        {
            renderer.Render(chart, input);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Renders; i++)
        {
            renderer.Render(chart, input);
        }

        var perRender = clock.Elapsed.TotalMilliseconds / Renders;
        Console.WriteLine($"csharp render+parse+graph: {first.Resources.Count} resources, {first.Graph.Edges.Count} edges, {perRender:F3} ms per render ({Renders} renders)");

        // Cold: the first render of a newly published chart (its templates compiled on the way), in a warm process.
        var cold = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var fresh = ChartLoader.Load(BenchCharts.Layered($"render-cold-{i}", layers: 10, width: 10).Select(f => new ChartFile(f.Key, Encoding.UTF8.GetBytes(f.Value))).ToList(), null, null, ChartLimits.Default);
            var started = Stopwatch.GetTimestamp();
            renderer.Render(fresh, input);
            cold.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        cold.Sort();
        Console.WriteLine($"csharp cold render (first render of a new 100-resource chart, compile included): median {cold[cold.Count / 2]:F1} ms, max {cold[^1]:F1} ms over {cold.Count} charts (goal < 50 ms)");
        if (exportDirectory is not null)
        {
            Directory.CreateDirectory(exportDirectory);
            foreach (var (path, text) in files)
            {
                var target = Path.Combine(exportDirectory, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, text);
            }

            File.WriteAllText(Path.Combine(exportDirectory, "ms-per-render.txt"), perRender.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }

        return 0;
    }
}
