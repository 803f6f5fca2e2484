using System.Text.Json;
using System.Text.Json.Serialization;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Storage.LiteDb.Documents;

/// <summary>
/// JSON for Domain records kept whole in one document field (pipelines, events): enums by name,
/// value trees (outputs, values) with their exact types, tuple fields included.
/// </summary>
internal static class RecordJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        IncludeFields = true,
        Converters = { new JsonStringEnumConverter(), new ValueTreeConverter() },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;

    private sealed class ValueTreeConverter : JsonConverter<IReadOnlyDictionary<string, object?>>
    {
        public override IReadOnlyDictionary<string, object?>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return Json.Convert(document.RootElement) as IReadOnlyDictionary<string, object?>;
        }

        public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> value, JsonSerializerOptions options) =>
            writer.WriteRawValue(Json.Serialize(value));
    }
}
