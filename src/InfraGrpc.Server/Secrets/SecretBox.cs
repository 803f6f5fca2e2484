using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace InfraGrpc.Server.Secrets;

/// <summary>
/// Encrypts secrets at rest with ASP.NET Core Data Protection (keys in <c>&lt;data&gt;/keys</c> or
/// <c>InfraGrpc:Secrets:KeysDirectory</c>). Webhook secrets are sealed when they arrive and opened only to
/// verify a delivery; the store, the logs and every response see the sealed form or nothing.
/// </summary>
/// <param name="provider">The key ring.</param>
/// <param name="tagKeyStore">Returns the stored (sealed) tag key, storing the one it is given the first time: a file
/// in the keys folder, or the database that replicas share.</param>
public sealed class SecretBox(IDataProtectionProvider provider, Func<Func<string>, string> tagKeyStore) : Domain.Projects.ISecretSealer
{
    private const string Prefix = "dp1:";
    private readonly IDataProtector _protector = provider.CreateProtector("InfraGrpc.Secrets.v1");
    private readonly Lazy<byte[]> _tagKey = new(() => LoadOrCreateTagKey(provider.CreateProtector("InfraGrpc.SensitiveTags.v1"), tagKeyStore));

    public string Seal(string plain) => Prefix + _protector.Protect(plain);

    /// <summary>The secret in clear; a value stored before sealing existed is returned as it is.</summary>
    /// <exception cref="CryptographicException">The value was sealed with keys this server does not have.</exception>
    public string Open(string sealedValue) => sealedValue.StartsWith(Prefix, StringComparison.Ordinal) ? _protector.Unprotect(sealedValue[Prefix.Length..]) : sealedValue;

    /// <summary>An HMAC of a sensitive value under a key of this server (kept sealed in the keys folder): equal values, equal tags.</summary>
    public string Tag(string name, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_tagKey.Value, Encoding.UTF8.GetBytes(name + "\0" + value)))[..8];

    private static byte[] LoadOrCreateTagKey(IDataProtector protector, Func<Func<string>, string> store) =>
        protector.Unprotect(Convert.FromBase64String(store(() => Convert.ToBase64String(protector.Protect(RandomNumberGenerator.GetBytes(32)))).Trim()));

    /// <summary>A tag key kept in <paramref name="file"/>, written the first time.</summary>
    public static Func<Func<string>, string> FileStore(string file) => create =>
    {
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, create());
        }

        return File.ReadAllText(file);
    };

    /// <summary>Whether a sealed value holds <paramref name="secret"/>, compared in constant time.</summary>
    public bool Holds(string stored, string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(Open(stored))), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
