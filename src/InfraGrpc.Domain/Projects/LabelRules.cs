using System.Text.RegularExpressions;
using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Domain.Projects;

/// <summary>
/// Kubernetes label syntax, so every label can be matched by a selector: a key is an optional DNS
/// subdomain prefix and '/', then a name of 1 to 63 characters (<c>[A-Za-z0-9]</c> at both ends,
/// <c>-_.</c> inside); a value is empty or such a name.
/// </summary>
public static partial class LabelRules
{
    /// <summary>The most labels one project may carry.</summary>
    public const int MaxLabels = 64;

    /// <summary>One violation per bad key or value, each naming the label.</summary>
    public static IReadOnlyList<FieldViolation> Check(IReadOnlyDictionary<string, string>? labels, string field = "labels")
    {
        var violations = new List<FieldViolation>();
        if (labels is null)
        {
            return violations;
        }

        if (labels.Count > MaxLabels)
        {
            violations.Add(new FieldViolation(field, $"at most {MaxLabels} labels"));
            return violations;
        }

        foreach (var (key, value) in labels)
        {
            var at = $"{field}[{Excerpt.Of(key)}]";
            if (!IsKey(key))
            {
                violations.Add(new FieldViolation(at, "the key must be [prefix/]name: a name of 1 to 63 characters [A-Za-z0-9] at both ends and -_. inside, after an optional DNS subdomain prefix"));
            }

            if (value.Length > 0 && !NamePattern().IsMatch(value))
            {
                violations.Add(new FieldViolation(at, "the value must be empty or 1 to 63 characters [A-Za-z0-9] at both ends and -_. inside"));
            }
        }

        return violations;
    }

    /// <summary>Whether a text is a valid label key.</summary>
    public static bool IsKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? NamePattern().IsMatch(key)
            : PrefixPattern().IsMatch(key[..slash]) && NamePattern().IsMatch(key[(slash + 1)..]);
    }

    /// <summary>Whether a text is a valid non-empty label value.</summary>
    public static bool IsValue(string value) => NamePattern().IsMatch(value);

    [GeneratedRegex("^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex PrefixPattern();
}
