using System.Text;

namespace InfraGrpc.Domain.Rendering;

/// <summary>What a marked stretch of rendered output came from.</summary>
internal enum InterpolationKind
{
    /// <summary>A <c>{{expression}}</c>: its text must lie inside one YAML scalar (or one comment line).</summary>
    Scalar,

    /// <summary>The output of <c>yaml</c>, <c>json</c> or <c>quote</c> (possibly indented): exactly one YAML node.</summary>
    Node,
}

/// <summary>One stretch of the rendered output that came from a value, as character offsets into the unmarked text.</summary>
internal readonly record struct Interpolation(int Start, int End, InterpolationKind Kind);

/// <summary>
/// Marks in the rendered output where every interpolated value starts and ends, so the YAML reader can
/// check afterwards that no value changed the structure the template wrote. The marks are Unicode
/// noncharacters (reserved for a program's internal use), removed before anything is parsed or stored;
/// the same characters inside a value are replaced, so a value can never forge a mark.
/// </summary>
internal static class OutputMarks
{
    public const char ScalarOpen = '\uFDD0';
    public const char ScalarClose = '\uFDD1';
    public const char NodeOpen = '\uFDD2';
    public const char NodeClose = '\uFDD3';

    public static bool IsMark(char c) => c is >= ScalarOpen and <= NodeClose;

    /// <summary>The text with any mark characters replaced, so it cannot open or close a mark.</summary>
    public static string Neutralize(string text) =>
        text.AsSpan().IndexOfAnyInRange(ScalarOpen, NodeClose) < 0 ? text : string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = IsMark(source[i]) ? '\uFFFD' : source[i];
            }
        });

    /// <summary>Removes the marks, returning the plain text and where each marked stretch lies in it.</summary>
    public static (string Text, IReadOnlyList<Interpolation> Interpolations) Strip(string marked)
    {
        if (marked.AsSpan().IndexOfAnyInRange(ScalarOpen, NodeClose) < 0)
        {
            return (marked, []);
        }

        var text = new StringBuilder(marked.Length);
        var spans = new List<Interpolation>();
        var open = -1;
        var kind = InterpolationKind.Scalar;
        foreach (var c in marked)
        {
            switch (c)
            {
                case ScalarOpen or NodeOpen when open < 0:
                    open = text.Length;
                    kind = c == ScalarOpen ? InterpolationKind.Scalar : InterpolationKind.Node;
                    break;
                case ScalarClose or NodeClose when open >= 0:
                    spans.Add(new Interpolation(open, text.Length, kind));
                    open = -1;
                    break;
                case ScalarOpen or NodeOpen or ScalarClose or NodeClose:
                    // A mark inside a mark: the outer stretch (a node's text) already covers it.
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        return (text.ToString(), spans);
    }
}
