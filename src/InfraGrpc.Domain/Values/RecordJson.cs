using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Domain.Values;

/// <summary>
/// JSON for Domain records kept whole in one stored field (pipelines, events), by every store: enums by
/// name, value trees (outputs, values) with their exact types, tuple fields included.
/// </summary>
public static class RecordJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        MaxDepth = MaxDepth,
        IncludeFields = true,
        Converters = { new JsonStringEnumConverter(), new ValueTreeConverter() },
    };

    /// <summary>Serialises a record, refusing one that could not be read back (nothing is written that cannot be served).</summary>
    /// <exception cref="ValidationException">The record nests deeper than a read accepts.</exception>
    public static string Serialize<T>(T value)
    {
        var json = JsonSerializer.Serialize(value, Options);

        // Value trees are written as raw JSON, which the writer does not count against the depth a read
        // allows; so every record is scanned once with the read's own limit before it is stored.
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            throw new ValidationException("values", $"the record would nest deeper than {MaxDepth} levels and could not be read back; it was not stored");
        }

        return json;
    }

    private const int MaxDepth = 64;

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
