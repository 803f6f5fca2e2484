using System.Text;
using HandlebarsDotNet;

namespace InfraGrpc.Domain.Rendering;

/// <summary>
/// The Handlebars encoder for <c>{{expression}}</c> output. It escapes nothing (YAML is not HTML); it
/// wraps each value in scalar marks so the YAML reader can check the value stayed inside one scalar.
/// </summary>
internal sealed class MarkingTextEncoder : ITextEncoder
{
    public void Encode(StringBuilder? text, TextWriter target) => Write(text?.ToString() ?? string.Empty, target);

    public void Encode(string? text, TextWriter target) => Write(text ?? string.Empty, target);

    public void Encode<T>(T? text, TextWriter target)
        where T : IEnumerator<char>
    {
        var builder = new StringBuilder();
        while (text is not null && text.MoveNext())
        {
            builder.Append(text.Current);
        }

        Write(builder.ToString(), target);
    }

    private static void Write(string text, TextWriter target)
    {
        target.Write(OutputMarks.ScalarOpen);
        target.Write(OutputMarks.Neutralize(text));
        target.Write(OutputMarks.ScalarClose);
    }
}
