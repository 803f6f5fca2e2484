using System.Text.Json;
using YamlDotNet.Serialization;

namespace InfraGrpc.Cli.Output;

/// <summary>YAML output of JSON documents (protobuf messages are formatted as JSON first, then re-emitted).</summary>
internal static class YamlText
{
    private static readonly ISerializer Serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    public static string FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Serializer.Serialize(ToPlain(document.RootElement));
    }

    private static object? ToPlain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => ToPlain(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
