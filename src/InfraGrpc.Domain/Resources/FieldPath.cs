using System.Globalization;
using System.Text;

namespace InfraGrpc.Domain.Resources;

/// <summary>
/// A parsed <c>fieldPath</c>: <c>status.outputs.&lt;key&gt;</c> (with list indexing: <c>subnets.[0].id</c>
/// and <c>subnets[0].id</c> both mean index 0), <c>metadata.&lt;field&gt;</c> or <c>spec.&lt;path&gt;</c>.
/// </summary>
public sealed class FieldPath : IEquatable<FieldPath>
{
    private FieldPath(IReadOnlyList<object> segments)
    {
        Segments = segments;
    }

    /// <summary>The segments: strings for keys, ints for list indexes.</summary>
    public IReadOnlyList<object> Segments { get; }

    /// <summary>Parses and validates a field path; returns null and an explanation when it is not valid.</summary>
    public static FieldPath? TryParse(string text, out string error)
    {
        error = string.Empty;
        var segments = new List<object>();
        foreach (var raw in text.Split('.'))
        {
            var part = raw;
            if (part.Length == 0)
            {
                error = "empty segment";
                return null;
            }

            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket != 0)
            {
                var key = bracket < 0 ? part : part[..bracket];
                if (key.Contains(']', StringComparison.Ordinal))
                {
                    error = $"unexpected ']' in '{raw}'";
                    return null;
                }

                segments.Add(key);
                part = bracket < 0 ? string.Empty : part[bracket..];
            }

            while (part.Length > 0)
            {
                var close = part.IndexOf(']', StringComparison.Ordinal);
                if (part[0] != '[' || close < 0
                    || !int.TryParse(part.AsSpan(1, close - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    error = $"bad list index in '{raw}' (expected [n])";
                    return null;
                }

                segments.Add(index);
                part = part[(close + 1)..];
            }
        }

        var valid = segments switch
        {
            ["status", "outputs", string, ..] => true,
            ["metadata", string, ..] => true,
            ["spec", _, ..] => true,
            _ => false,
        };
        if (!valid)
        {
            error = "must start with status.outputs.<key>, metadata.<field> or spec.<path>";
            return null;
        }

        return new FieldPath(segments);
    }

    /// <summary>Reads the value at this path from a tree whose root holds <c>status</c>, <c>metadata</c> and <c>spec</c>.</summary>
    public bool TryRead(IReadOnlyDictionary<string, object?> root, out object? value)
    {
        object? current = root;
        foreach (var segment in Segments)
        {
            switch (segment, current)
            {
                case (string key, IReadOnlyDictionary<string, object?> map) when map.TryGetValue(key, out var next):
                    current = next;
                    break;
                case (int index, IReadOnlyList<object?> list) when index < list.Count:
                    current = list[index];
                    break;
                default:
                    value = null;
                    return false;
            }
        }

        value = current;
        return true;
    }

    public bool Equals(FieldPath? other) => other is not null && ToString() == other.ToString();

    public override bool Equals(object? obj) => Equals(obj as FieldPath);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>The normalised text: keys joined by dots, indexes as <c>[n]</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var segment in Segments)
        {
            if (segment is int index)
            {
                builder.Append(CultureInfo.InvariantCulture, $"[{index}]");
            }
            else
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append((string)segment);
            }
        }

        return builder.ToString();
    }
}
