namespace InfraGrpc.Domain.Values;

/// <summary>
/// Bounds on the values a caller may send (parameter values, value layers, <c>--set</c> keys). They are
/// checked before any recursive work is done on a tree, so a hostile value costs a walk of its own size
/// and nothing more. Real charts stay far inside them. docs/limits.md lists them with their errors.
/// </summary>
public static class ValueLimits
{
    /// <summary>The deepest nesting of maps and lists in one value. Stored documents and protobuf responses stay well inside their own limits (64 and 100) at this depth.</summary>
    public const int MaxDepth = 32;

    /// <summary>The longest map key or <c>--set</c> key path, in characters.</summary>
    public const int MaxKeyLength = 256;

    /// <summary>The most nodes (maps, lists and scalars) in one value layer.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>The most characters of all strings and keys in one value layer together.</summary>
    public const int MaxTextLength = 4 * 1024 * 1024;

    /// <summary>
    /// Walks a tree without recursion and says what is wrong with it: too deep, too large, a key too long
    /// or a number that is not finite. Null when it is within every bound.
    /// </summary>
    public static string? Check(object? root)
    {
        var pending = new Stack<(object? Value, int Depth)>();
        pending.Push((root, 0));
        var nodes = 0;
        long text = 0;
        while (pending.Count > 0)
        {
            var (value, depth) = pending.Pop();
            if (++nodes > MaxNodes)
            {
                return $"has more than {MaxNodes} entries";
            }

            switch (value)
            {
                case IReadOnlyDictionary<string, object?> map:
                    if (depth >= MaxDepth)
                    {
                        return $"nests deeper than {MaxDepth} levels";
                    }

                    foreach (var (key, item) in map)
                    {
                        if (key.Length > MaxKeyLength)
                        {
                            return $"has a key longer than {MaxKeyLength} characters";
                        }

                        text += key.Length;
                        pending.Push((item, depth + 1));
                    }

                    break;
                case IReadOnlyList<object?> list:
                    if (depth >= MaxDepth)
                    {
                        return $"nests deeper than {MaxDepth} levels";
                    }

                    foreach (var item in list)
                    {
                        pending.Push((item, depth + 1));
                    }

                    break;
                case string s:
                    text += s.Length;
                    break;
                case double d when !double.IsFinite(d):
                    return "contains a number that is not finite (NaN or infinity)";
                case float f when !float.IsFinite(f):
                    return "contains a number that is not finite (NaN or infinity)";
            }

            if (text > MaxTextLength)
            {
                return $"holds more than {MaxTextLength} characters of text";
            }
        }

        return null;
    }
}
