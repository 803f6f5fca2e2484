using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Charts;

/// <summary>A chart's parameters as stored by every store: JSON objects whose defaults keep their exact value types.</summary>
public static class ChartParameterJson
{
    public static string Serialize(IReadOnlyList<ChartParameter> parameters) =>
        Json.Serialize(parameters.Select(p => (object?)new Dictionary<string, object?>
        {
            ["name"] = p.Name,
            ["description"] = p.Description,
            ["type"] = p.Type.ToString(),
            ["hasDefault"] = p.HasDefault,
            ["default"] = p.DefaultValue,
            ["required"] = p.Required,
            ["enumValues"] = p.EnumValues.Cast<object?>().ToList(),
            ["sensitive"] = p.Sensitive,
        }).ToList());

    public static List<ChartParameter> Deserialize(string json) =>
        ((List<object?>)Json.Parse(json)!)
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
}
