using System.Text;
using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Domain.Projects;

/// <summary>How a label requirement compares.</summary>
public enum LabelOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// <summary>One requirement of a selector: <c>key=v</c>, <c>key!=v</c>, <c>key in (a,b)</c>, <c>key notin (a,b)</c>, <c>key</c>, <c>!key</c>.</summary>
public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.In => has && Values.Contains(value!),
            LabelOperator.NotEquals or LabelOperator.NotIn => !has || !Values.Contains(value!),
            LabelOperator.Exists => has,
            _ => !has,
        };
    }

    public override string ToString() => Operator switch
    {
        LabelOperator.Equals => $"{Key}={Values[0]}",
        LabelOperator.NotEquals => $"{Key}!={Values[0]}",
        LabelOperator.In => $"{Key} in ({string.Join(',', Values)})",
        LabelOperator.NotIn => $"{Key} notin ({string.Join(',', Values)})",
        LabelOperator.Exists => Key,
        _ => "!" + Key,
    };
}

/// <summary>
/// A Kubernetes label selector: comma-separated requirements that must all hold. The grammar is Kubernetes'
/// (<c>=</c>, <c>==</c>, <c>!=</c>, <c>in</c>, <c>notin</c>, existence, <c>!</c>), white space is allowed
/// around every token, and anything it does not parse is INVALID_ARGUMENT naming the position.
/// </summary>
public static class LabelSelector
{
    public const string Field = "label_selector";

    /// <exception cref="ValidationException">The selector does not parse, or a key or value is not a valid label key or value.</exception>
    public static IReadOnlyList<LabelRequirement> Parse(string selector)
    {
        var reader = new Reader(selector);
        var requirements = new List<LabelRequirement>();
        reader.SkipSpace();
        if (reader.AtEnd)
        {
            return requirements;
        }

        while (true)
        {
            requirements.Add(ParseRequirement(reader));
            reader.SkipSpace();
            if (reader.AtEnd)
            {
                return requirements;
            }

            reader.Expect(',');
        }
    }

    /// <summary>A canonical text (requirements sorted), for page-token scopes.</summary>
    public static string Canonical(IReadOnlyList<LabelRequirement> requirements) =>
        string.Join(',', requirements.Select(r => r.ToString()).Order(StringComparer.Ordinal));

    private static LabelRequirement ParseRequirement(Reader reader)
    {
        reader.SkipSpace();
        if (reader.TryTake('!'))
        {
            reader.SkipSpace();
            return new LabelRequirement(Key(reader), LabelOperator.DoesNotExist, []);
        }

        var key = Key(reader);
        reader.SkipSpace();
        if (reader.AtEnd || reader.Peek == ',')
        {
            return new LabelRequirement(key, LabelOperator.Exists, []);
        }

        if (reader.TryTake("!="))
        {
            return new LabelRequirement(key, LabelOperator.NotEquals, [Value(reader)]);
        }

        if (reader.TryTake("==") || reader.TryTake('='))
        {
            return new LabelRequirement(key, LabelOperator.Equals, [Value(reader)]);
        }

        var word = reader.Word();
        var op = word switch
        {
            "in" => LabelOperator.In,
            "notin" => LabelOperator.NotIn,
            _ => throw reader.Error($"expected =, ==, !=, in or notin after '{key}'"),
        };
        reader.SkipSpace();
        reader.Expect('(');
        var values = new List<string>();
        while (true)
        {
            values.Add(Value(reader));
            reader.SkipSpace();
            if (reader.TryTake(')'))
            {
                return new LabelRequirement(key, op, values);
            }

            reader.Expect(',');
        }
    }

    private static string Key(Reader reader)
    {
        var key = reader.Token();
        return LabelRules.IsKey(key) ? key : throw reader.Error(key.Length == 0 ? "expected a label key" : $"'{Excerpt.Of(key)}' is not a label key ([prefix/]name, 1 to 63 characters)");
    }

    private static string Value(Reader reader)
    {
        reader.SkipSpace();
        var value = reader.Token();
        return value.Length == 0 || LabelRules.IsValue(value) ? value : throw reader.Error($"'{Excerpt.Of(value)}' is not a label value (empty, or 1 to 63 characters [A-Za-z0-9] at both ends and -_. inside)");
    }

    private sealed class Reader(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;

        public char Peek => text[_at];

        public void SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        public bool TryTake(char c)
        {
            if (!AtEnd && text[_at] == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        public bool TryTake(string s)
        {
            if (string.CompareOrdinal(text, _at, s, 0, s.Length) == 0)
            {
                _at += s.Length;
                return true;
            }

            return false;
        }

        public void Expect(char c)
        {
            SkipSpace();
            if (!TryTake(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        // A key or value: everything up to white space or a character the grammar gives a meaning to.
        public string Token()
        {
            var start = _at;
            while (!AtEnd && !char.IsWhiteSpace(text[_at]) && text[_at] is not (',' or '=' or '!' or '(' or ')'))
            {
                _at++;
            }

            return text[start.._at];
        }

        public string Word()
        {
            var start = _at;
            while (!AtEnd && char.IsAsciiLetterLower(text[_at]))
            {
                _at++;
            }

            return text[start.._at];
        }

        public ValidationException Error(string problem)
        {
            var near = new StringBuilder(Excerpt.Of(text[Math.Min(_at, text.Length)..]));
            return new ValidationException(Field, $"{problem} at character {_at + 1}{(near.Length > 0 ? $" (near '{near}')" : " (at the end)")}; the grammar is Kubernetes': key=value, key!=value, key in (a,b), key notin (a,b), key, !key, joined by commas");
        }
    }
}
