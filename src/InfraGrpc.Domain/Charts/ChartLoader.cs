using System.Text.RegularExpressions;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Values;
using Semver;

namespace InfraGrpc.Domain.Charts;

/// <summary>
/// Loads a chart from its files: Chart.yaml (InfraGrpc or Planton flavour), values.yaml <c>params:</c>,
/// templates at any depth, partials and README. Every problem is reported at once.
/// </summary>
public static partial class ChartLoader
{
    /// <summary>The Chart.yaml apiVersion of InfraGrpc charts.</summary>
    public const string InfraGrpcApiVersion = "infragrpc.dev/v1";

    /// <summary>The Chart.yaml apiVersion of Planton charts.</summary>
    public const string PlantonApiVersion = "infra-hub.planton.ai/v1";

    /// <summary>Whether a chart path is a template (<c>templates/**.yaml</c>, not starting with <c>_</c>).</summary>
    public static bool IsTemplate(string path) =>
        path.StartsWith("templates/", StringComparison.Ordinal)
        && (path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal))
        && !Path.GetFileName(path).StartsWith('_');

    /// <summary>Whether a chart path is a partial (<c>templates/**/_name.hbs</c>).</summary>
    public static bool IsPartial(string path) =>
        path.StartsWith("templates/", StringComparison.Ordinal)
        && path.EndsWith(".hbs", StringComparison.Ordinal)
        && Path.GetFileName(path).StartsWith('_');

    /// <summary>The name a partial is registered under: <c>_tags.hbs</c> → <c>tags</c>.</summary>
    public static string PartialName(string path) => Path.GetFileNameWithoutExtension(path)[1..];

    /// <summary>Whether a text is a chart slug.</summary>
    public static bool IsSlug(string text) => SlugPattern().IsMatch(text);

    /// <summary>Loads and validates a chart.</summary>
    /// <param name="files">The chart files.</param>
    /// <param name="name">The slug for a Planton chart (its directory name); for InfraGrpc charts it must match if given.</param>
    /// <param name="version">The version for a Planton chart; for InfraGrpc charts it must match if given.</param>
    /// <param name="limits">The size limits.</param>
    /// <exception cref="ValidationException">Every problem found.</exception>
    public static ChartDefinition Load(IReadOnlyList<ChartFile> files, string? name, string? version, ChartLimits limits)
    {
        var violations = new List<FieldViolation>();
        var normalized = NormalizePaths(files, limits, violations);
        var byPath = normalized.ToDictionary(f => f.Path, StringComparer.Ordinal);

        var identity = byPath.TryGetValue("Chart.yaml", out var chartYaml)
            ? ReadChartYaml(chartYaml, name, version, violations)
            : null;
        if (chartYaml is null)
        {
            violations.Add(new FieldViolation("Chart.yaml", "missing: a chart needs a Chart.yaml at its root"));
        }

        var parameters = byPath.TryGetValue("values.yaml", out var valuesYaml)
            ? ParameterDefinitions.Read(valuesYaml.Text, violations)
            : [];
        if (!normalized.Any(f => IsTemplate(f.Path)))
        {
            violations.Add(new FieldViolation("templates", "a chart needs at least one template under templates/ (*.yaml)"));
        }

        foreach (var duplicate in normalized.Where(f => IsPartial(f.Path)).GroupBy(f => PartialName(f.Path)).Where(g => g.Count() > 1))
        {
            violations.Add(new FieldViolation(duplicate.Last().Path, $"partial '{duplicate.Key}' is defined more than once"));
        }

        if (violations.Count > 0 || identity is null)
        {
            throw new ValidationException(violations);
        }

        var readme = byPath.TryGetValue("README.md", out var readmeFile) ? readmeFile.Text : null;
        return new ChartDefinition(
            identity.Value.Name,
            identity.Value.Version,
            identity.Value.DisplayName,
            identity.Value.Description,
            identity.Value.IconUrl,
            identity.Value.Format,
            parameters,
            readme,
            normalized,
            ChartDigest.Compute(normalized));
    }

    private static List<ChartFile> NormalizePaths(IReadOnlyList<ChartFile> files, ChartLimits limits, List<FieldViolation> violations)
    {
        if (files.Count > limits.MaxFiles)
        {
            violations.Add(new FieldViolation("files", $"{files.Count} files, the limit is {limits.MaxFiles}"));
        }

        var total = files.Sum(f => (long)f.Content.Length);
        if (total > limits.MaxTotalBytes)
        {
            violations.Add(new FieldViolation("files", $"{total} bytes in all, the limit is {limits.MaxTotalBytes}"));
        }

        var result = new List<ChartFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var path = file.Path.Replace('\\', '/').TrimStart('/');
            while (path.StartsWith("./", StringComparison.Ordinal))
            {
                path = path[2..];
            }

            if (path.Length == 0 || path.Split('/').Any(part => part is "" or "." or ".."))
            {
                violations.Add(new FieldViolation("files", $"'{file.Path}' is not a relative path inside the chart"));
                continue;
            }

            if (!seen.Add(path))
            {
                violations.Add(new FieldViolation(path, "the file is given more than once"));
                continue;
            }

            result.Add(file with { Path = path });
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return result;
    }

    private static (string Name, string Version, string DisplayName, string? Description, string? IconUrl, ChartFormat Format)? ReadChartYaml(
        ChartFile file, string? name, string? version, List<FieldViolation> violations)
    {
        object? root;
        try
        {
            root = YamlTree.Parse(file.Text);
        }
        catch (YamlFormatException e)
        {
            violations.Add(new FieldViolation("Chart.yaml", $"line {e.Line}: {e.Message}"));
            return null;
        }

        if (root is not Dictionary<string, object?> map)
        {
            violations.Add(new FieldViolation("Chart.yaml", "must be a map with apiVersion, kind, metadata and spec"));
            return null;
        }

        var metadata = map.GetValueOrDefault("metadata") as Dictionary<string, object?> ?? ValueTree.NewMap();
        var spec = map.GetValueOrDefault("spec") as Dictionary<string, object?> ?? ValueTree.NewMap();
        var description = spec.GetValueOrDefault("description") as string ?? metadata.GetValueOrDefault("description") as string;
        var iconUrl = spec.GetValueOrDefault("iconUrl") as string ?? metadata.GetValueOrDefault("iconUrl") as string;
        var before = violations.Count;
        switch (map.GetValueOrDefault("apiVersion"))
        {
            case InfraGrpcApiVersion:
                {
                    if (map.GetValueOrDefault("kind") is not "InfraChart")
                    {
                        violations.Add(new FieldViolation("Chart.yaml.kind", "must be InfraChart"));
                    }

                    var slug = metadata.GetValueOrDefault("name") as string ?? string.Empty;
                    if (!IsSlug(slug))
                    {
                        violations.Add(new FieldViolation("Chart.yaml.metadata.name", "must be a slug: [a-z0-9-], 1 to 63 characters"));
                    }
                    else if (!string.IsNullOrEmpty(name) && name != slug)
                    {
                        violations.Add(new FieldViolation("name", $"'{name}' does not match Chart.yaml metadata.name '{slug}'"));
                    }

                    var chartVersion = spec.GetValueOrDefault("version") is { } v ? ValueTree.ToDisplayString(v) : string.Empty;
                    CheckVersion("Chart.yaml.spec.version", chartVersion, violations);
                    if (!string.IsNullOrEmpty(version) && version != chartVersion)
                    {
                        violations.Add(new FieldViolation("version", $"'{version}' does not match Chart.yaml spec.version '{chartVersion}'"));
                    }

                    var displayName = spec.GetValueOrDefault("displayName") as string ?? slug;
                    return violations.Count > before ? null : (slug, chartVersion, displayName, description, iconUrl, ChartFormat.InfraGrpc);
                }

            case PlantonApiVersion:
                {
                    var displayName = metadata.GetValueOrDefault("name") as string;
                    if (string.IsNullOrWhiteSpace(displayName))
                    {
                        violations.Add(new FieldViolation("Chart.yaml.metadata.name", "a Planton chart needs its display name in metadata.name"));
                    }

                    if (string.IsNullOrEmpty(name) || !IsSlug(name))
                    {
                        violations.Add(new FieldViolation("name", "a Planton chart needs a slug name (its directory name): [a-z0-9-], 1 to 63 characters"));
                    }

                    if (string.IsNullOrEmpty(version))
                    {
                        violations.Add(new FieldViolation("version", "a Planton chart has no version of its own: give one at publish (--version)"));
                    }
                    else
                    {
                        CheckVersion("version", version, violations);
                    }

                    return violations.Count > before ? null : (name!, version!, displayName!, description, iconUrl, ChartFormat.Planton);
                }

            default:
                violations.Add(new FieldViolation("Chart.yaml.apiVersion", $"must be {InfraGrpcApiVersion} or {PlantonApiVersion}"));
                return null;
        }
    }

    private static void CheckVersion(string field, string version, List<FieldViolation> violations)
    {
        if (!SemVersion.TryParse(version, SemVersionStyles.Strict, out _))
        {
            violations.Add(new FieldViolation(field, $"'{version}' is not a SemVer 2.0 version (e.g. 1.2.0)"));
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex SlugPattern();
}
