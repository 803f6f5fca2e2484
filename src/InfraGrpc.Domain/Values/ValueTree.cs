using System.Globalization;

namespace InfraGrpc.Domain.Values;

/// <summary>
/// Operations on plain value trees: <see cref="Dictionary{TKey,TValue}"/> of string to value for maps,
/// <see cref="List{T}"/> for lists, and string, long, double, bool or null for scalars. Values, manifests
/// and outputs all use this one shape so they convert to protobuf Struct, YAML and JSON without loss.
/// </summary>
public static class ValueTree
{
    /// <summary>Creates an empty map.</summary>
    public static Dictionary<string, object?> NewMap() => new(StringComparer.Ordinal);

    /// <summary>Merges <paramref name="overlay"/> into a copy of <paramref name="target"/>; maps merge deeply, anything else is replaced (Helm's <c>-f</c> rule).</summary>
    public static Dictionary<string, object?> DeepMerge(IReadOnlyDictionary<string, object?> target, IReadOnlyDictionary<string, object?> overlay)
    {
        var result = (Dictionary<string, object?>)Clone(target)!;
        foreach (var (key, value) in overlay)
        {
            if (value is IReadOnlyDictionary<string, object?> overlayMap
                && result.TryGetValue(key, out var existing)
                && existing is IReadOnlyDictionary<string, object?> existingMap)
            {
                result[key] = DeepMerge(existingMap, overlayMap);
            }
            else
            {
                result[key] = Clone(value);
            }
        }

        return result;
    }

    /// <summary>Deep-copies a tree so the copy can be changed without touching the original.</summary>
    public static object? Clone(object? value) => value switch
    {
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Clone(kv.Value), StringComparer.Ordinal),
        IReadOnlyList<object?> list => list.Select(Clone).ToList(),
        _ => value,
    };

    /// <summary>Structural equality of two trees; integers and doubles of the same value are equal.</summary>
    public static bool DeepEquals(object? left, object? right)
    {
        switch (left, right)
        {
            case (null, null):
                return true;
            case (IReadOnlyDictionary<string, object?> a, IReadOnlyDictionary<string, object?> b):
                return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && DeepEquals(kv.Value, other));
            case (IReadOnlyList<object?> a, IReadOnlyList<object?> b):
                return a.Count == b.Count && a.Zip(b).All(pair => DeepEquals(pair.First, pair.Second));
            case (long a, double b):
                return a == b;
            case (double a, long b):
                return a == b;
            default:
                return Equals(left, right);
        }
    }

    /// <summary>Sets a value at a dotted path (<c>db.size</c>), creating intermediate maps.</summary>
    public static void SetPath(Dictionary<string, object?> root, IReadOnlyList<string> path, object? value)
    {
        var current = root;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (current.TryGetValue(path[i], out var next) && next is Dictionary<string, object?> nextMap)
            {
                current = nextMap;
                continue;
            }

            var created = NewMap();
            current[path[i]] = created;
            current = created;
        }

        current[path[^1]] = value;
    }

    /// <summary>Flattens a tree to dotted keys (lists are leaves), for value diffs.</summary>
    public static IReadOnlyDictionary<string, object?> Flatten(IReadOnlyDictionary<string, object?> map)
    {
        var result = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        void Walk(string prefix, IReadOnlyDictionary<string, object?> node)
        {
            foreach (var (key, value) in node)
            {
                var path = prefix.Length == 0 ? key : prefix + "." + key;
                if (value is IReadOnlyDictionary<string, object?> child && child.Count > 0)
                {
                    Walk(path, child);
                }
                else
                {
                    result[path] = value;
                }
            }
        }

        Walk(string.Empty, map);
        return result;
    }

    /// <summary>Renders a scalar the way a template or a diff shows it.</summary>
    public static string ToDisplayString(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IReadOnlyDictionary<string, object?> or IReadOnlyList<object?> => Json.Serialize(value),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>The name of a value's type as users see it in parameter errors.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "null",
        string => "string",
        bool => "bool",
        long or int or double or float or decimal => "number",
        IReadOnlyDictionary<string, object?> => "object",
        IReadOnlyList<object?> => "list",
        _ => value.GetType().Name,
    };
}
