using YamlDotNet.Core.Events;

namespace InfraGrpc.Domain.Rendering;

/// <summary>
/// Checks, from the YAML reader's events, that every interpolated value kept the structure its template
/// wrote: a <c>{{expression}}</c> lies inside one scalar (or one comment, without a line break), and the
/// output of <c>yaml</c>/<c>json</c>/<c>quote</c> is exactly one node that closes nothing it did not open.
/// A value that would add a key, a document, a flow collection, an anchor, an alias or a tag is refused.
/// </summary>
internal sealed class InterpolationCheck(IReadOnlyList<Interpolation> interpolations)
{
    private readonly List<Seen> _events = [];

    /// <summary>Feeds one parser event (in stream order).</summary>
    public void Observe(ParsingEvent e)
    {
        var kind = e switch
        {
            Scalar { Anchor.IsEmpty: true, Tag.IsEmpty: true } => SeenKind.Scalar,
            Scalar => SeenKind.ScalarWithProperties,
            SequenceStart or MappingStart => SeenKind.Open,
            SequenceEnd or MappingEnd => SeenKind.Close,
            _ => SeenKind.Other,
        };
        _events.Add(new Seen(kind, (int)e.Start.Index, (int)e.End.Index));
    }

    /// <summary>The first interpolation (in the text) that broke the structure, or null.</summary>
    public Interpolation? FindViolation(string text)
    {
        foreach (var span in interpolations)
        {
            var (start, end) = Trim(text, span);
            if (start >= end)
            {
                continue;
            }

            var ok = span.Kind == InterpolationKind.Scalar ? InsideOneScalar(text, start, end) : IsOneNode(start, end);
            if (!ok)
            {
                return span;
            }
        }

        return null;
    }

    private bool InsideOneScalar(string text, int start, int end)
    {
        // The nearest event with width that starts at or before the value must be the scalar holding it.
        var tokenEnd = 0;
        for (var i = LastStartingAtOrBefore(start); i >= 0; i--)
        {
            var seen = _events[i];
            if (seen.Start == seen.End)
            {
                continue;
            }

            var inside = seen.Kind switch
            {
                SeenKind.Scalar => seen.Start <= start && end <= seen.End,
                // Properties (&anchor, !tag) written by the template come before the value; written by the value, they start with it.
                SeenKind.ScalarWithProperties => seen.Start < start && end <= seen.End,
                _ => false,
            };
            if (inside || seen.End > start)
            {
                return inside;
            }

            tokenEnd = seen.End;
            break;
        }

        return InComment(text, tokenEnd, start, end);
    }

    // YamlDotNet's parser fails on some comments when it reports them, so comments are found in the text.
    // Between the last token and the value there is no scalar content (scalars are events), so a '#' there
    // after white space or at a line start opens a comment; the value must not break out of its line.
    private static bool InComment(string text, int tokenEnd, int start, int end)
    {
        var hash = text.LastIndexOf('#', start - 1 < 0 ? 0 : start - 1, start - tokenEnd);
        if (start == 0 || hash < tokenEnd || hash < 0)
        {
            return false;
        }

        var spaced = hash == 0 || text[hash - 1] is ' ' or '\t' or '\n' or '\r';
        return spaced && text.AsSpan(hash, end - hash).IndexOfAny(LineBreaks) < 0;
    }

    private bool IsOneNode(int start, int end)
    {
        var depth = 0;
        var nodes = 0;
        for (var i = FirstStartingAtOrAfter(start); i < _events.Count && _events[i].Start < end; i++)
        {
            var seen = _events[i];
            switch (seen.Kind)
            {
                case SeenKind.Scalar or SeenKind.ScalarWithProperties when depth == 0:
                    nodes++;
                    break;
                case SeenKind.Open:
                    if (depth++ == 0)
                    {
                        nodes++;
                    }

                    break;
                case SeenKind.Close:
                    if (--depth < 0)
                    {
                        return false;
                    }

                    break;
                case SeenKind.Other:
                    return false;
            }

            if (nodes > 1)
            {
                return false;
            }
        }

        return nodes == 1;
    }

    private int LastStartingAtOrBefore(int index)
    {
        int low = 0, high = _events.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (_events[middle].Start <= index)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    private int FirstStartingAtOrAfter(int index) => LastStartingAtOrBefore(index - 1) + 1;

    private static (int Start, int End) Trim(string text, Interpolation span)
    {
        int start = span.Start, end = span.End;
        while (start < end && text[start] is ' ' or '\t')
        {
            start++;
        }

        while (end > start && text[end - 1] is ' ' or '\t')
        {
            end--;
        }

        // A node's text may start with the indentation and end with the line break its helper added.
        if (span.Kind == InterpolationKind.Node)
        {
            while (start < end && char.IsWhiteSpace(text[start]))
            {
                start++;
            }

            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }
        }

        return (start, end);
    }

    private static readonly char[] LineBreaks = ['\n', '\r', '\u0085', '\u2028', '\u2029'];

    private enum SeenKind
    {
        Scalar,
        ScalarWithProperties,
        Open,
        Close,
        Other,
    }

    private readonly record struct Seen(SeenKind Kind, int Start, int End);
}
