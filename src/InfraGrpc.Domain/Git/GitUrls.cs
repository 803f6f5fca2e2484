namespace InfraGrpc.Domain.Git;

/// <summary>Repository URLs in one comparable form, so a webhook's clone URL finds the projects that track it.</summary>
public static class GitUrls
{
    public static string Normalize(string url)
    {
        var text = url.Trim();
        if (text.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            text = text[7..];
        }
        else if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ssh" or "git")
        {
            text = uri.Host.ToLowerInvariant() + uri.AbsolutePath;
        }
        else if (text.Contains('@', StringComparison.Ordinal) && text.Contains(':', StringComparison.Ordinal))
        {
            // scp-like ssh: git@github.com:org/repo.git
            var at = text.IndexOf('@', StringComparison.Ordinal);
            var colon = text.IndexOf(':', at);
            text = text[(at + 1)..colon].ToLowerInvariant() + "/" + text[(colon + 1)..];
        }

        text = text.TrimEnd('/');
        return text.EndsWith(".git", StringComparison.Ordinal) ? text[..^4] : text;
    }
}
