using System.Globalization;
using System.Text;
using HandlebarsDotNet;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Rendering;

/// <summary>
/// The helper set of DESIGN §3: <c>eq ne gt gte lt lte and or not default quote json yaml upper lower
/// trim replace join split includes indent b64enc</c>. All are return helpers, so they work both as
/// <c>{{upper x}}</c> and as sub-expressions (<c>{{#if (eq a b)}}</c>).
/// </summary>
internal static class TemplateHelpers
{
    public static void Register(IHandlebars handlebars)
    {
        Add(handlebars, "eq", a => Compare(a, 0) == 0);
        Add(handlebars, "ne", a => Compare(a, 0) != 0);
        Add(handlebars, "gt", a => Compare(a, 0) > 0);
        Add(handlebars, "gte", a => Compare(a, 0) >= 0);
        Add(handlebars, "lt", a => Compare(a, 0) < 0);
        Add(handlebars, "lte", a => Compare(a, 0) <= 0);
        Add(handlebars, "and", a => Enumerable.Range(0, a.Length).All(i => IsTruthy(a[i])));
        Add(handlebars, "or", a => Enumerable.Range(0, a.Length).Any(i => IsTruthy(a[i])));
        Add(handlebars, "not", a => !IsTruthy(Arg(a, 0)));
        Add(handlebars, "default", a => IsTruthy(Arg(a, 0)) || Arg(a, 0) is false or 0L or 0d ? Arg(a, 0) : Arg(a, 1));
        Add(handlebars, "quote", a => new EmittedNode(Json.Serialize(Text(Arg(a, 0)))));
        Add(handlebars, "json", a => new EmittedNode(Json.Serialize(Plain(Arg(a, 0)))));
        Add(handlebars, "yaml", a => new EmittedNode(YamlWriter.Write(Plain(Arg(a, 0))).TrimEnd('\n')));
        Add(handlebars, "upper", a => Text(Arg(a, 0)).ToUpperInvariant());
        Add(handlebars, "lower", a => Text(Arg(a, 0)).ToLowerInvariant());
        Add(handlebars, "trim", a => Text(Arg(a, 0)).Trim());
        Add(handlebars, "replace", a => Replace(Text(Arg(a, 0)), Text(Arg(a, 1)), Text(Arg(a, 2))));
        Add(handlebars, "join", a => Arg(a, 0) is IEnumerable<object?> items
            ? Join(a.Length > 1 ? Text(a[1]) : ",", items)
            : Text(Arg(a, 0)));
        Add(handlebars, "split", a => new GuardedList(Text(Arg(a, 0)).Split(a.Length > 1 ? Text(a[1]) : ",").Cast<object?>().ToList()));
        Add(handlebars, "includes", a => Arg(a, 0) switch
        {
            string s => s.Contains(Text(Arg(a, 1)), StringComparison.Ordinal),
            IEnumerable<object?> items => items.Any(item => Compare2(item, Arg(a, 1)) == 0),
            _ => false,
        });
        Add(handlebars, "indent", a =>
        {
            var indented = Indent(Convert.ToInt32(Arg(a, 0), CultureInfo.InvariantCulture), Text(Arg(a, 1)));
            return Arg(a, 1) is EmittedNode ? new EmittedNode(indented) : indented;
        });
        Add(handlebars, "b64enc", a =>
        {
            var text = Text(Arg(a, 0));
            RenderGuard.Reserve(((long)Encoding.UTF8.GetByteCount(text) + 2) / 3 * 4);
            return Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        });
    }

    /// <summary>Handlebars truthiness: false, null, "", 0 and empty lists are false.</summary>
    public static bool IsTruthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        IReadOnlyList<object?> list => list.Count > 0,
        _ => true,
    };

    private static void Add(IHandlebars handlebars, string name, Func<Arguments, object?> body) =>
        handlebars.RegisterHelper(name, (Context _, Arguments arguments) =>
        {
            RenderGuard.Tick();
            return body(arguments);
        });

    private static object? Arg(Arguments arguments, int index) => index < arguments.Length ? arguments[index] : null;

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        EmittedNode node => node.Text,
        _ => ValueTree.ToDisplayString(Plain(value)),
    };

    private static object? Plain(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Plain(kv.Value), StringComparer.Ordinal),
        IReadOnlyList<object?> list => list.Select(Plain).ToList(),
        int i => (long)i,
        _ => value,
    };

    private static int Compare(Arguments arguments, int offset) => Compare2(Arg(arguments, offset), Arg(arguments, offset + 1));

    private static int Compare2(object? left, object? right)
    {
        if (Number(left) is { } l && Number(right) is { } r)
        {
            return l.CompareTo(r);
        }

        return string.CompareOrdinal(left is null ? null : Text(left), right is null ? null : Text(right));
    }

    private static double? Number(object? value) => value switch
    {
        long l => l,
        int i => i,
        double d => d,
        _ => null,
    };

    private static string Indent(int spaces, string text)
    {
        var pad = new string(' ', Math.Clamp(spaces, 0, 256));
        RenderGuard.Reserve(text.Length + ((long)text.Count(c => c == '\n') + 1) * pad.Length);
        return string.Join('\n', text.Split('\n').Select(line => line.Length == 0 ? line : pad + line));
    }

    // The result's length is known before it is built, so a huge join or replace is refused, not allocated.
    private static string Join(string separator, IEnumerable<object?> items)
    {
        var texts = items.Select(Text).ToList();
        RenderGuard.Reserve(texts.Sum(t => (long)t.Length) + (long)separator.Length * Math.Max(texts.Count - 1, 0));
        return string.Join(separator, texts);
    }

    private static string Replace(string text, string oldValue, string newValue)
    {
        if (oldValue.Length == 0)
        {
            return text;
        }

        if (newValue.Length > oldValue.Length)
        {
            long count = 0;
            for (var at = text.IndexOf(oldValue, StringComparison.Ordinal); at >= 0; at = text.IndexOf(oldValue, at + oldValue.Length, StringComparison.Ordinal))
            {
                count++;
            }

            RenderGuard.Reserve(text.Length + (count * (newValue.Length - oldValue.Length)));
        }

        return text.Replace(oldValue, newValue, StringComparison.Ordinal);
    }
}
