using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace InfraGrpc.Server.Secrets;

/// <summary>
/// Encrypts secrets at rest with ASP.NET Core Data Protection (keys in <c>&lt;data&gt;/keys</c> or
/// <c>InfraGrpc:Secrets:KeysDirectory</c>). Webhook secrets are sealed when they arrive and opened only to
/// verify a delivery; the store, the logs and every response see the sealed form or nothing.
/// </summary>
public sealed class SecretBox(IDataProtectionProvider provider)
{
    private const string Prefix = "dp1:";
    private readonly IDataProtector _protector = provider.CreateProtector("InfraGrpc.Secrets.v1");

    public string Seal(string secret) => Prefix + _protector.Protect(secret);

    /// <summary>The secret in clear; a value stored before sealing existed is returned as it is.</summary>
    /// <exception cref="CryptographicException">The value was sealed with keys this server does not have.</exception>
    public string Open(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal) ? _protector.Unprotect(stored[Prefix.Length..]) : stored;

    /// <summary>Whether a sealed value holds <paramref name="secret"/>, compared in constant time.</summary>
    public bool Holds(string stored, string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(Open(stored))), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
