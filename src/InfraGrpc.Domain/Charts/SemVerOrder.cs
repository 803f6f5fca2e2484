using Semver;

namespace InfraGrpc.Domain.Charts;

/// <summary>Orders chart versions by SemVer 2.0 precedence (what "latest" means).</summary>
public static class SemVerOrder
{
    /// <summary>Compares two versions by precedence; unparsable versions sort first.</summary>
    public static int Compare(string left, string right)
    {
        var a = SemVersion.TryParse(left, SemVersionStyles.Strict, out var l) ? l : null;
        var b = SemVersion.TryParse(right, SemVersionStyles.Strict, out var r) ? r : null;
        return (a, b) switch
        {
            (null, null) => string.CompareOrdinal(left, right),
            (null, _) => -1,
            (_, null) => 1,
            _ => SemVersion.ComparePrecedence(a, b) is var c && c != 0 ? c : string.CompareOrdinal(left, right),
        };
    }

    /// <summary>
    /// Orders versions for "latest", as Helm does: any release outranks any pre-release (1.2.0 is the latest
    /// of 1.2.0 and 2.0.0-rc.1), and a pre-release is the latest only when no release exists.
    /// </summary>
    public static int CompareForLatest(string left, string right)
    {
        var leftRelease = SemVersion.TryParse(left, SemVersionStyles.Strict, out var l) && l.IsRelease;
        var rightRelease = SemVersion.TryParse(right, SemVersionStyles.Strict, out var r) && r.IsRelease;
        return leftRelease == rightRelease ? Compare(left, right) : leftRelease ? 1 : -1;
    }

    /// <summary>Whether a text is a strict SemVer 2.0 version.</summary>
    public static bool IsValid(string version) => SemVersion.TryParse(version, SemVersionStyles.Strict, out _);
}
