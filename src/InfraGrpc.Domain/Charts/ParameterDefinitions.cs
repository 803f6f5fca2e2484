using System.Globalization;
using System.Text.RegularExpressions;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Charts;

/// <summary>Reads the <c>params:</c> list of a values.yaml in the Planton format, plus <c>required</c>.</summary>
public static partial class ParameterDefinitions
{
    /// <summary>Parses the parameter list; problems are added to <paramref name="violations"/>.</summary>
    public static IReadOnlyList<ChartParameter> Read(string valuesYaml, List<FieldViolation> violations)
    {
        object? root;
        try
        {
            root = YamlTree.Parse(valuesYaml);
        }
        catch (YamlFormatException e)
        {
            violations.Add(new FieldViolation("values.yaml", $"line {e.Line}: {e.Message}"));
            return [];
        }

        var list = root switch
        {
            null => null,
            Dictionary<string, object?> map => map.GetValueOrDefault("params"),

            // Older Planton charts list their parameters at the root, without params:.
            List<object?> bare => bare,
            _ => "invalid",
        };
        if (list is null)
        {
            return [];
        }

        if (list is not List<object?> entries)
        {
            violations.Add(new FieldViolation("values.yaml", "must be a map whose params: is a list of parameters"));
            return [];
        }

        var result = new List<ChartParameter>();
        for (var i = 0; i < entries.Count; i++)
        {
            var field = $"values.yaml.params[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (entries[i] is not Dictionary<string, object?> entry || entry.GetValueOrDefault("name") is not string name || !NamePattern().IsMatch(name))
            {
                violations.Add(new FieldViolation(field, "each parameter needs a name of letters, digits and '_' (starting with a letter or '_')"));
                continue;
            }

            field = $"values.yaml.params.{name}";
            if (result.Any(p => p.Name == name))
            {
                violations.Add(new FieldViolation(field, "declared more than once"));
                continue;
            }

            ParameterType? type = entry.GetValueOrDefault("type") switch
            {
                null or "string" => ParameterType.String,
                "number" => ParameterType.Number,
                "bool" or "boolean" => ParameterType.Bool,
                "list" => ParameterType.List,
                "string_enum" => ParameterType.StringEnum,
                "object" => ParameterType.Object,
                _ => null,
            };
            if (type is null)
            {
                violations.Add(new FieldViolation(field + ".type", "must be one of string, number, bool, list, string_enum, object"));
                continue;
            }

            var enumValues = (entry.GetValueOrDefault("enum_values") as List<object?> ?? [])
                .Select(ValueTree.ToDisplayString).ToList();
            if (type == ParameterType.StringEnum && enumValues.Count == 0)
            {
                violations.Add(new FieldViolation(field + ".enum_values", "a string_enum parameter needs enum_values"));
                continue;
            }

            var hasDefault = entry.TryGetValue("value", out var defaultValue) && defaultValue is not null;
            var sensitive = entry.GetValueOrDefault("sensitive") is true;
            if (sensitive && (type != ParameterType.String || hasDefault))
            {
                violations.Add(new FieldViolation(field + ".sensitive", "a sensitive parameter is a string without a default value (a default would be stored in clear with the chart)"));
                continue;
            }

            var parameter = new ChartParameter(
                name,
                entry.GetValueOrDefault("description") as string,
                type.Value,
                hasDefault,
                hasDefault ? defaultValue : null,
                entry.GetValueOrDefault("required") is true,
                enumValues)
            {
                Sensitive = sensitive,
            };
            if (hasDefault && ValuesResolver.CheckType(parameter, defaultValue) is { } problem)
            {
                violations.Add(new FieldViolation(field + ".value", "the default " + problem));
                continue;
            }

            result.Add(parameter);
        }

        return result;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();
}
