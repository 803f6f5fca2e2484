using System.Collections.Concurrent;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Graph;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Rendering;

/// <summary>
/// Renders charts: resolves values, runs the compiled templates (compiled once per chart digest and
/// cached), reads the output as multi-document YAML, validates the manifests and builds the graph.
/// Thread-safe; one instance serves the whole process.
/// </summary>
public sealed class ChartRenderer(ChartLimits limits)
{
    private const int MaxCachedCharts = 512;
    private readonly ConcurrentDictionary<string, Lazy<CompiledChart>> _compiled = new(StringComparer.Ordinal);

    public ChartLimits Limits { get; } = limits;

    /// <summary>Compiles a chart (or takes it from the cache) so that template errors surface at publish time.</summary>
    /// <exception cref="ValidationException">A template does not compile.</exception>
    public void Compile(ChartDefinition chart) => GetCompiled(chart);

    /// <summary>Renders a chart with values.</summary>
    /// <exception cref="ValidationException">Bad values, template errors, invalid manifests or a limit reached.</exception>
    /// <exception cref="DependencyCycleException">The rendered resources depend on each other in a cycle.</exception>
    public RenderResult Render(ChartDefinition chart, RenderInput input)
    {
        var values = ValuesResolver.Resolve(chart.Parameters, input.ValueLayers, input.Sets);
        var compiled = GetCompiled(chart);
        var context = BuildContext(chart, input, values);

        var sources = new List<ManifestSource>();
        var violations = new List<FieldViolation>();
        using (RenderGuard.Begin(Limits))
        {
            foreach (var (path, render) in compiled.Templates)
            {
                string text;
                try
                {
                    using var writer = new GuardedWriter();
                    render(writer, context, null!);
                    text = writer.ToString();
                }
                catch (RenderLimitException e)
                {
                    throw new ValidationException(path, e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    if (FindLimit(e) is { } limit)
                    {
                        throw new ValidationException(path, limit.Message);
                    }

                    violations.Add(new FieldViolation(path, "render failed: " + Innermost(e).Message));
                    continue;
                }

                try
                {
                    sources.AddRange(YamlTree.ParseDocuments(text).Select(document => new ManifestSource(path, document)));
                }
                catch (YamlFormatException e)
                {
                    violations.Add(new FieldViolation(path, $"rendered line {e.Line}: not valid YAML: {e.Message}"));
                }
            }
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        var resources = ManifestParser.Parse(sources);
        var graph = ResourceGraph.Build(resources, input.Env);
        var diagnostics = new List<RenderDiagnostic>();
        if (resources.Count == 0)
        {
            diagnostics.Add(new RenderDiagnostic("NO_RESOURCES", "the chart rendered no resources with these values", null));
        }

        diagnostics.AddRange(graph.ExternalReferences.Select(r => new RenderDiagnostic(
            "EXTERNAL_REFERENCE",
            $"{r.From} reads {r.FieldPath} of {r.Target}{(r.Env is null ? string.Empty : " in env " + r.Env)}, which is outside this project; it must be deployed by another project of the org",
            resources.First(x => x.Key == r.From).SourceFile)));
        return new RenderResult(resources, graph, values, diagnostics);
    }

    private CompiledChart GetCompiled(ChartDefinition chart)
    {
        if (_compiled.Count >= MaxCachedCharts)
        {
            _compiled.Clear();
        }

        var lazy = _compiled.GetOrAdd(chart.Digest, _ => new Lazy<CompiledChart>(() => CompiledChart.Compile(chart, Limits)));
        try
        {
            return lazy.Value;
        }
        catch (ValidationException)
        {
            _compiled.TryRemove(chart.Digest, out _);
            throw;
        }
    }

    internal static Dictionary<string, object?> BuildContext(ChartDefinition chart, RenderInput input, ResolvedValues values)
    {
        var visibleValues = (Dictionary<string, object?>)ValueTree.Clone(values.Resolved)!;
        visibleValues.TryAdd("env", input.Env);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["values"] = GuardedList.WrapTree(visibleValues),
            ["project"] = new Dictionary<string, object?> { ["name"] = input.ProjectName, ["org"] = input.Org, ["env"] = input.Env },
            ["chart"] = new Dictionary<string, object?> { ["name"] = chart.Name, ["version"] = chart.Version },
            ["env"] = input.Env,
        };
    }

    private static RenderLimitException? FindLimit(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is RenderLimitException limit)
            {
                return limit;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
