namespace InfraGrpc.Cli;

/// <summary>"Did you mean …": the candidates closest to what was typed, by edit distance.</summary>
internal static class Suggestions
{
    /// <summary>Up to <paramref name="max"/> candidates within a third of the typed length in edits (at least 2), closest first.</summary>
    public static IReadOnlyList<string> Closest(string typed, IEnumerable<string> candidates, int max = 3)
    {
        var limit = Math.Max(2, typed.Length / 3);
        return candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (Candidate: c, Distance: Distance(typed, c)))
            .Where(x => x.Distance <= limit && x.Distance > 0)
            .OrderBy(x => x.Distance).ThenBy(x => x.Candidate, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Candidate)
            .ToList();
    }

    /// <summary>"'a'", "'a' or 'b'", "'a', 'b' or 'c'".</summary>
    public static string Phrase(IReadOnlyList<string> names) =>
        names.Count == 1 ? $"'{names[0]}'" : string.Join(", ", names.Take(names.Count - 1).Select(n => $"'{n}'")) + $" or '{names[^1]}'";

    // Levenshtein distance with two rows.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
