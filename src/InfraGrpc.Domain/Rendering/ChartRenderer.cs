using System.Collections.Concurrent;
using System.Globalization;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Graph;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Telemetry;
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

    /// <summary>
    /// Checks at publish time that a chart can render at all: its templates compile, every default value is
    /// within the value limits, and a render with the defaults (and a placeholder for each required
    /// parameter) succeeds, so self-recursive partials, YAML aliases, bad helpers and dependency cycles are
    /// refused before anyone can install the chart.
    /// </summary>
    /// <exception cref="ValidationException">Every problem found, each naming its file (and line where known).</exception>
    public void Verify(ChartDefinition chart)
    {
        GetCompiled(chart);
        var violations = chart.Parameters
            .Where(p => p.HasDefault && ValueLimits.Check(p.DefaultValue) is not null)
            .Select(p => new FieldViolation($"values.yaml.params.{p.Name}", "the default value " + ValueLimits.Check(p.DefaultValue)))
            .ToList();
        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        var placeholders = ValueTree.NewMap();
        foreach (var parameter in chart.Parameters.Where(p => p.Required && !p.HasDefault))
        {
            placeholders[parameter.Name] = parameter.Type switch
            {
                ParameterType.Number => 1L,
                ParameterType.Bool => false,
                ParameterType.List => new List<object?>(),
                ParameterType.Object => ValueTree.NewMap(),
                ParameterType.StringEnum => parameter.EnumValues.Count > 0 ? parameter.EnumValues[0] : "placeholder",
                _ => "placeholder",
            };
        }

        try
        {
            Render(chart, new RenderInput([placeholders], [], "chart-check", "default", "default"));
        }
        catch (ValidationException e)
        {
            throw new ValidationException(e.Violations.Select(v => v with { Description = "rendering with the default values: " + v.Description }).ToList());
        }
        catch (DependencyCycleException e)
        {
            throw new ValidationException("templates", "rendering with the default values: " + e.Message);
        }
    }

    /// <summary>Renders a chart with values.</summary>
    /// <exception cref="ValidationException">Bad values, template errors, invalid manifests or a limit reached.</exception>
    /// <exception cref="DependencyCycleException">The rendered resources depend on each other in a cycle.</exception>
    public RenderResult Render(ChartDefinition chart, RenderInput input)
    {
        using var span = InfraTelemetry.Source.StartActivity("render " + chart.Name);
        span?.SetTag("infragrpc.chart", chart.Name).SetTag("infragrpc.chart.version", chart.Version);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = RenderCore(chart, input);
            span?.SetTag("infragrpc.resources", result.Resources.Count);
            return result;
        }
        catch (Exception e) when (span is not null)
        {
            span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            InfraTelemetry.RenderDuration.Record(InfraTelemetry.Since(started));
        }
    }

    private RenderResult RenderCore(ChartDefinition chart, RenderInput input)
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

                var (plain, interpolations) = OutputMarks.Strip(text);
                var check = new InterpolationCheck(interpolations);
                try
                {
                    var documents = YamlTree.ParseDocuments(plain, check.Observe);
                    if (check.FindViolation(plain) is { } broken)
                    {
                        violations.Add(StructureViolation(path, plain, broken, values));
                        continue;
                    }

                    sources.AddRange(documents.Select(document => new ManifestSource(path, document)));
                }
                catch (YamlFormatException e)
                {
                    // A value that breaks the YAML is named as the cause when one can be found on the failing line.
                    violations.Add(check.FindViolation(plain) is { } broken
                        ? StructureViolation(path, plain, broken, values)
                        : new FieldViolation(path, $"rendered line {e.Line}: not valid YAML: {e.Message}"));
                }
            }
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        IReadOnlyList<CloudResource> resources;
        ResourceGraph graph;
        using (InfraTelemetry.Source.StartActivity("graph"))
        {
            resources = ManifestParser.Parse(sources);
            graph = ResourceGraph.Build(resources, input.Env);
        }

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

    private static readonly System.Buffers.SearchValues<char> YamlSyntax = System.Buffers.SearchValues.Create("\n:#{}[],&*!|>'\"%@`");

    private static FieldViolation StructureViolation(string path, string text, Interpolation broken, ResolvedValues values)
    {
        var line = text.AsSpan(0, broken.Start).Count('\n') + 1;
        var inserted = text[broken.Start..broken.End];
        var parameter = FindParameter(values.Resolved, inserted);
        var what = broken.Kind == InterpolationKind.Scalar
            ? "would change the structure of the manifest (a value must stay inside one YAML scalar: quote it in the template with {{quote …}}, or remove the YAML syntax from the value)"
            : "does not form exactly one YAML node where the template puts it";
        return new FieldViolation(
            parameter is null ? path : "values." + parameter,
            $"the value inserted at {path}:{line.ToString(CultureInfo.InvariantCulture)} ('{Excerpt.Of(inserted)}') {what}");
    }

    // The parameter whose value (or a string inside it) is the inserted text, to name it in the error.
    private static string? FindParameter(IReadOnlyDictionary<string, object?> values, string inserted)
    {
        var pending = new Stack<(string Path, object? Value)>(values.Select(kv => (kv.Key, kv.Value)));
        while (pending.Count > 0)
        {
            var (path, value) = pending.Pop();
            switch (value)
            {
                case string s when s == inserted || (s.Length > 0 && inserted.Contains(s, StringComparison.Ordinal) && s.AsSpan().IndexOfAny(YamlSyntax) >= 0):
                    return path;
                case IReadOnlyDictionary<string, object?> map:
                    foreach (var (key, item) in map)
                    {
                        pending.Push((path + "." + key, item));
                    }

                    break;
                case IReadOnlyList<object?> list:
                    for (var i = 0; i < list.Count; i++)
                    {
                        pending.Push(($"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", list[i]));
                    }

                    break;
            }
        }

        return null;
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
