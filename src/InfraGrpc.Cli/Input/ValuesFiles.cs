using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InfraGrpc.Cli.Input;

/// <summary>
/// Reads <c>-f values.yaml</c> files into protobuf Structs. Plain scalars are typed by the YAML 1.2 core
/// schema (<c>2</c> is a number, <c>true</c> a bool, quoted text a string) so the server sees the types
/// the file says; the server merges the layers and validates them against the chart.
/// </summary>
internal static class ValuesFiles
{
    public static IReadOnlyList<Struct> Read(IEnumerable<string> paths) => paths.Select(ReadOne).ToList();

    private static Struct ReadOne(string path)
    {
        string text;
        try
        {
            text = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new InputException($"values file {path} does not exist");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InputException($"{path}: line {e.Start.Line}: {e.Message}");
        }

        if (stream.Documents.Count == 0)
        {
            return new Struct();
        }

        return ToValue(stream.Documents[0].RootNode) is { KindCase: Value.KindOneofCase.StructValue } value
            ? value.StructValue
            : throw new InputException($"{path}: a values file must be a map of parameter names to values");
    }

    private static Value ToValue(YamlNode node) => node switch
    {
        YamlMappingNode map => Value.ForStruct(ToStruct(map)),
        YamlSequenceNode list => Value.ForList(list.Children.Select(ToValue).ToArray()),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => throw new InputException("YAML aliases are not supported in values files"),
    };

    private static Struct ToStruct(YamlMappingNode map)
    {
        var result = new Struct();
        foreach (var (key, value) in map.Children)
        {
            result.Fields[((YamlScalarNode)key).Value ?? string.Empty] = ToValue(value);
        }

        return result;
    }

    private static Value ToScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return Value.ForString(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => Value.ForNull(),
            "true" or "True" or "TRUE" => Value.ForBool(true),
            "false" or "False" or "FALSE" => Value.ForBool(false),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !text.Contains(',', StringComparison.Ordinal)
                && text.Trim() == text && !text.EndsWith('.') => Value.ForNumber(number),
            _ => Value.ForString(text),
        };
    }
}
