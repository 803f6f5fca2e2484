namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// How much of one operation's output is kept: the head as it comes, then only the tail. A provisioner
/// that writes 50 MB must not cost 50 MB of memory, disk and replay time (issue 12).
/// </summary>
public static class LogLimits
{
    /// <summary>Lines kept from the start of an operation's output, written as they come.</summary>
    public const int HeadLines = 1_000;

    /// <summary>Lines kept from the end of an operation's output, written when it ends.</summary>
    public const int TailLines = 5_000;

    /// <summary>The most characters the kept tail of one operation may hold.</summary>
    public const int TailCharacters = 1 << 20;

    /// <summary>The longest line kept; the rest of a longer line is replaced by a note of its length.</summary>
    public const int LineCharacters = 8_192;

    public static string Clip(string text) =>
        text.Length <= LineCharacters ? text : string.Concat(text.AsSpan(0, LineCharacters), $" … ({text.Length - LineCharacters:N0} more characters)");
}
