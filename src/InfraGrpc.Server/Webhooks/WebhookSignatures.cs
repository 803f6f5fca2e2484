using System.Security.Cryptography;
using System.Text;

namespace InfraGrpc.Server.Webhooks;

/// <summary>Verifies deliveries the way each provider signs them, always in constant time.</summary>
internal static class WebhookSignatures
{
    /// <summary>GitHub: <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>.</summary>
    public static bool GitHub(string secret, byte[] body, string? header)
    {
        if (header is null || !header.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(header.AsSpan(7));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>GitLab: the secret itself in <c>X-Gitlab-Token</c>; compared over SHA-256 so lengths leak nothing.</summary>
    public static bool GitLab(string secret, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(secret)),
            SHA256.HashData(Encoding.UTF8.GetBytes(header)));
}
