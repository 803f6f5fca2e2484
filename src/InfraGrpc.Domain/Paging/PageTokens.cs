using System.Security.Cryptography;
using System.Text;

namespace InfraGrpc.Domain.Paging;

/// <summary>
/// Page tokens that cannot be forged or carried to another query: the last key of a page, bound to the
/// query it came from (its scope: the list and every filter) and signed with HMAC-SHA256 under a key of
/// this server. A token whose signature does not match its scope is refused, so a client can neither
/// write a key of its own nor page one project's revisions with a token from another project.
/// </summary>
public sealed class PageTokens(byte[] key)
{
    private const string Version = "v2";
    private const int MacLength = 16;

    /// <summary>Makes a signer with a fresh random key (tokens then last as long as the process).</summary>
    public static PageTokens CreateEphemeral() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>Reads the key from <paramref name="path"/>, creating it (readable by the owner only) the first time.</summary>
    public static PageTokens LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            var temporary = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(fresh);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
        }

        var key = File.ReadAllBytes(path);
        return key.Length >= 32 ? new PageTokens(key) : throw new InvalidDataException($"the page token key {path} is shorter than 32 bytes; delete it to make a new one");
    }

    /// <summary>The token for the page after <paramref name="lastKey"/> of the query <paramref name="scope"/>; null when there is no next page.</summary>
    public string? Write(string scope, string? lastKey)
    {
        if (lastKey is null)
        {
            return null;
        }

        var payload = Encoding.UTF8.GetBytes(lastKey);
        var token = new byte[payload.Length + MacLength];
        payload.CopyTo(token, 0);
        Mac(scope, payload).AsSpan(0, MacLength).CopyTo(token.AsSpan(payload.Length));
        return Version + "." + Base64Url(token);
    }

    /// <summary>The key a token carries if this server issued it for this same query; otherwise null.</summary>
    public string? Read(string scope, string token)
    {
        if (!token.StartsWith(Version + ".", StringComparison.Ordinal) || token.Length > 4096)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            var body = token[(Version.Length + 1)..].Replace('-', '+').Replace('_', '/');
            bytes = Convert.FromBase64String(body + new string('=', (4 - (body.Length % 4)) % 4));
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length < MacLength)
        {
            return null;
        }

        var payload = bytes.AsSpan(0, bytes.Length - MacLength);
        var expected = Mac(scope, payload.ToArray()).AsSpan(0, MacLength);
        return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - MacLength))
            ? Encoding.UTF8.GetString(payload)
            : null;
    }

    /// <summary>Validates a page size and token from a request against the query it must belong to.</summary>
    /// <exception cref="Errors.ValidationException">A negative size, or a token this server did not issue for this query.</exception>
    public PageRequest Request(int size, string? token, string scope, string sizeField = "page_size", string tokenField = "page_token")
    {
        var violations = new List<Errors.FieldViolation>();
        if (size < 0)
        {
            violations.Add(new Errors.FieldViolation(sizeField, "must not be negative"));
        }

        string? after = null;
        if (!string.IsNullOrEmpty(token) && (after = Read(scope, token)) is null)
        {
            violations.Add(new Errors.FieldViolation(tokenField, "is not a page token this server returned for this query (filters must stay the same while paging)"));
        }

        if (violations.Count > 0)
        {
            throw new Errors.ValidationException(violations);
        }

        return new PageRequest(size == 0 ? PageRequest.DefaultSize : Math.Min(size, PageRequest.MaxSize), after);
    }

    /// <summary>Joins the parts of a query into one scope string; the separator cannot appear in a valid part.</summary>
    public static string Scope(params string?[] parts) => string.Join('\u001f', parts.Select(p => p ?? "\u0000"));

    private byte[] Mac(string scope, byte[] payload)
    {
        var scoped = Encoding.UTF8.GetBytes(scope + "\u001e");
        var message = new byte[scoped.Length + payload.Length];
        scoped.CopyTo(message, 0);
        payload.CopyTo(message, scoped.Length);
        return HMACSHA256.HashData(key, message);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
