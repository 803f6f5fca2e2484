using System.Globalization;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Charts;

/// <summary>
/// Merges values the way Helm does (layers in order, maps deeply, then <c>--set</c> overrides typed by
/// the declared parameter type) and validates them against the chart's parameters, reporting every
/// undeclared name, wrong type, value outside an enum and missing required value at once.
/// </summary>
public static class ValuesResolver
{
    /// <summary>Merges and validates values.</summary>
    /// <exception cref="ValidationException">One violation per problem.</exception>
    public static ResolvedValues Resolve(
        IReadOnlyList<ChartParameter> parameters,
        IReadOnlyList<IReadOnlyDictionary<string, object?>> layers,
        IReadOnlyList<string> sets)
    {
        var violations = new List<FieldViolation>();
        var byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var supplied = ValueTree.NewMap();
        for (var i = 0; i < layers.Count; i++)
        {
            // Bounded before any recursive merge touches the tree.
            if (ValueLimits.Check(layers[i]) is { } problem)
            {
                violations.Add(new FieldViolation($"values.layers[{i.ToString(CultureInfo.InvariantCulture)}]", problem));
            }
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        foreach (var layer in layers)
        {
            supplied = ValueTree.DeepMerge(supplied, layer);
        }

        for (var i = 0; i < sets.Count; i++)
        {
            ApplySet(supplied, byName, sets[i], $"set[{i.ToString(CultureInfo.InvariantCulture)}]", violations);
        }

        // Sets add depth (a nested key holding a flow value), so the merged tree is bounded once more.
        if (violations.Count == 0 && ValueLimits.Check(supplied) is { } merged)
        {
            violations.Add(new FieldViolation("values", merged));
        }

        foreach (var (name, value) in supplied)
        {
            if (!byName.TryGetValue(name, out var parameter))
            {
                violations.Add(new FieldViolation("values." + Excerpt.Of(name), "is not a parameter of this chart"));
            }
            else if (value is not null && CheckType(parameter, value) is { } problem)
            {
                violations.Add(new FieldViolation("values." + name, problem));
            }
        }

        foreach (var parameter in parameters.Where(p => p.Required && !p.HasDefault && supplied.GetValueOrDefault(p.Name) is null or ""))
        {
            violations.Add(new FieldViolation("values." + parameter.Name, "is required" + (parameter.Description is null ? string.Empty : $" ({parameter.Description})")));
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        var resolved = ValueTree.NewMap();
        foreach (var parameter in parameters)
        {
            var value = supplied.GetValueOrDefault(parameter.Name) ?? ValueTree.Clone(parameter.DefaultValue);
            resolved[parameter.Name] = parameter.Type == ParameterType.Object && value is IReadOnlyDictionary<string, object?> given
                && parameter.DefaultValue is IReadOnlyDictionary<string, object?> defaults
                ? ValueTree.DeepMerge(defaults, given)
                : value;
        }

        return new ResolvedValues(supplied, resolved);
    }

    /// <summary>Says what is wrong with a value for a parameter, or null when it fits.</summary>
    public static string? CheckType(ChartParameter parameter, object? value)
    {
        var ok = parameter.Type switch
        {
            ParameterType.String => value is string,
            ParameterType.Number => value is long or double,
            ParameterType.Bool => value is bool,
            ParameterType.List => value is IReadOnlyList<object?>,
            ParameterType.Object => value is IReadOnlyDictionary<string, object?>,
            ParameterType.StringEnum => value is string,
            _ => false,
        };
        if (!ok)
        {
            return $"expected {TypeName(parameter.Type)}, got {ValueTree.TypeName(value)}";
        }

        return parameter.Type == ParameterType.StringEnum && !parameter.EnumValues.Contains((string)value!)
            ? $"'{Excerpt.Of((string)value!)}' is not one of {string.Join(", ", parameter.EnumValues)}"
            : null;
    }

    private static string TypeName(ParameterType type) => type switch
    {
        ParameterType.StringEnum => "string_enum",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static void ApplySet(
        Dictionary<string, object?> supplied,
        Dictionary<string, ChartParameter> byName,
        string set,
        string field,
        List<FieldViolation> violations)
    {
        var equals = set.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            violations.Add(new FieldViolation(field, $"'{Excerpt.Of(set)}' is not key=value"));
            return;
        }

        if (equals > ValueLimits.MaxKeyLength)
        {
            violations.Add(new FieldViolation(field, $"the key is longer than {ValueLimits.MaxKeyLength} characters"));
            return;
        }

        var path = set[..equals].Split('.');
        var raw = set[(equals + 1)..];
        if (path.Any(string.IsNullOrEmpty))
        {
            violations.Add(new FieldViolation(field, $"'{Excerpt.Of(set[..equals])}' is not a valid key"));
            return;
        }

        if (path.Length > ValueLimits.MaxDepth)
        {
            violations.Add(new FieldViolation(field, $"the key nests deeper than {ValueLimits.MaxDepth} levels"));
            return;
        }

        if (!byName.TryGetValue(path[0], out var parameter))
        {
            violations.Add(new FieldViolation("values." + Excerpt.Of(path[0]), "is not a parameter of this chart"));
            return;
        }

        object? value;
        if (path.Length > 1)
        {
            if (parameter.Type != ParameterType.Object)
            {
                violations.Add(new FieldViolation("values." + path[0], $"is a {TypeName(parameter.Type)}; only object parameters take nested keys"));
                return;
            }

            value = YamlTree.TypePlainScalar(raw);
        }
        else if (!TryConvert(parameter.Type, raw, out value))
        {
            violations.Add(new FieldViolation("values." + path[0], $"'{Excerpt.Of(raw)}' is not a {TypeName(parameter.Type)}"));
            return;
        }

        ValueTree.SetPath(supplied, path, value);
    }

    private static bool TryConvert(ParameterType type, string raw, out object? value)
    {
        value = null;
        switch (type)
        {
            case ParameterType.Number:
                value = YamlTree.TypePlainScalar(raw);
                return value is long or double;
            case ParameterType.Bool:
                value = YamlTree.TypePlainScalar(raw);
                return value is bool;
            case ParameterType.List:
                // Helm's {a,b} form, or a JSON/YAML flow list.
                if (raw.StartsWith('{') && raw.EndsWith('}'))
                {
                    value = raw[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(YamlTree.TypePlainScalar).ToList();
                    return true;
                }

                return TryParseFlow(raw, out value) && value is List<object?>;
            case ParameterType.Object:
                return TryParseFlow(raw, out value) && value is Dictionary<string, object?>;
            default:
                value = raw;
                return true;
        }
    }

    private static bool TryParseFlow(string raw, out object? value)
    {
        try
        {
            value = YamlTree.Parse(raw);
            return true;
        }
        catch (YamlFormatException)
        {
            value = null;
            return false;
        }
    }
}
