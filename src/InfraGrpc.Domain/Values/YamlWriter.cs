using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace InfraGrpc.Domain.Values;

/// <summary>Writes value trees as block YAML that <see cref="YamlTree"/> reads back to the same tree.</summary>
public static class YamlWriter
{
    /// <summary>Serialises one value tree as a YAML document (without the <c>---</c> marker).</summary>
    public static string Write(object? value)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer, new EmitterSettings().WithBestIndent(2).WithBestWidth(int.MaxValue));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, value);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void Emit(IEmitter emitter, object? value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, map.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, item) in map)
                {
                    EmitString(emitter, key);
                    Emit(emitter, item);
                }

                emitter.Emit(new MappingEnd());
                break;
            case IReadOnlyList<object?> list:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, list.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in list)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case string s:
                EmitString(emitter, s);
                break;
            default:
                emitter.Emit(new Scalar(null, null, ValueTree.ToDisplayString(value), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string s)
    {
        // A string that would read back as another type (or empty) must be quoted to round-trip.
        var style = s.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal
            : YamlTree.TypePlainScalar(s) is string && s.Trim() == s ? ScalarStyle.Any
            : ScalarStyle.DoubleQuoted;
        emitter.Emit(new Scalar(null, null, s, style, isPlainImplicit: true, isQuotedImplicit: true));
    }
}
