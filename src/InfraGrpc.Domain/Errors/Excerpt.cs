namespace InfraGrpc.Domain.Errors;

/// <summary>
/// Quotes caller input inside error messages without echoing all of it: a hostile megabyte-long id or
/// value must not come back in every status message and trailer (clients cap metadata size).
/// </summary>
public static class Excerpt
{
    /// <summary>The most characters of caller input an error message repeats.</summary>
    public const int MaxLength = 64;

    /// <summary>The text itself when short, otherwise its start and how long it was; control characters are shown escaped.</summary>
    public static string Of(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var shown = text.Length <= MaxLength ? text : text[..MaxLength];
        var clean = string.Create(shown.Length, shown, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) || char.IsSurrogate(source[i]) ? '\uFFFD' : source[i];
            }
        });
        return text.Length <= MaxLength ? clean : $"{clean}… ({text.Length} characters)";
    }
}
