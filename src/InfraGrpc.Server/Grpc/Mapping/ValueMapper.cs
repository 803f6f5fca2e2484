using Google.Protobuf.WellKnownTypes;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Server.Grpc.Mapping;

/// <summary>Converts between protobuf Struct/Value and the Domain's value trees. Whole numbers become long so <c>2</c> stays <c>2</c>.</summary>
internal static class ValueMapper
{
    public static Dictionary<string, object?> ToTree(Struct? value) =>
        value is null ? ValueTree.NewMap() : value.Fields.ToDictionary(kv => kv.Key, kv => ToTree(kv.Value), StringComparer.Ordinal);

    public static object? ToTree(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StructValue => ToTree(value.StructValue),
        Value.KindOneofCase.ListValue => value.ListValue.Values.Select(ToTree).ToList(),
        Value.KindOneofCase.StringValue => value.StringValue,
        Value.KindOneofCase.BoolValue => value.BoolValue,
        Value.KindOneofCase.NumberValue => value.NumberValue % 1 == 0 && Math.Abs(value.NumberValue) < 9.007199254740992E15
            ? (object)(long)value.NumberValue
            : value.NumberValue,
        _ => null,
    };

    public static Struct ToStruct(IReadOnlyDictionary<string, object?> tree)
    {
        var result = new Struct();
        foreach (var (key, item) in tree)
        {
            result.Fields[key] = ToValue(item);
        }

        return result;
    }

    public static Value ToValue(object? value) => value switch
    {
        null => Value.ForNull(),
        string s => Value.ForString(s),
        bool b => Value.ForBool(b),
        long l => Value.ForNumber(l),
        int i => Value.ForNumber(i),
        double d => Value.ForNumber(d),
        IReadOnlyDictionary<string, object?> map => Value.ForStruct(ToStruct(map)),
        IReadOnlyList<object?> list => Value.ForList(list.Select(ToValue).ToArray()),
        _ => Value.ForString(ValueTree.ToDisplayString(value)),
    };
}
