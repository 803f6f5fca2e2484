using System.Text.Json;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Rendering;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Projects;

/// <summary>Encrypts secrets for storage and tells two secrets apart without showing them.</summary>
public interface ISecretSealer
{
    string Seal(string plain);

    string Open(string sealedValue);

    /// <summary>A short keyed digest of a secret: equal secrets get equal tags, and a tag reveals nothing else.</summary>
    string Tag(string name, string value);
}

/// <summary>
/// Sensitive parameters (issue 13). The stored values hold a mask, <c>(sensitive 1a2b3c4d)</c>, whose tag changes
/// when the secret does, so a diff says "changed" without a value; the stored manifests hold a sentinel,
/// <c>(sensitive:NAME)</c>, put back in clear only for the provisioner; the secrets themselves are sealed on the revision.
/// </summary>
public static class SensitiveValues
{
    public static string Sentinel(string name) => $"(sensitive:{name})";

    public static bool IsMask(object? value) => value is string text && text.StartsWith("(sensitive ", StringComparison.Ordinal);

    /// <summary>The clear secrets a render resolved, by parameter name.</summary>
    public static Dictionary<string, string> Of(ChartDefinition chart, RenderResult result) =>
        chart.Parameters.Where(p => p.Sensitive)
            .Select(p => (p.Name, Value: result.Values.Resolved.GetValueOrDefault(p.Name) as string))
            .Where(x => !string.IsNullOrEmpty(x.Value))
            .ToDictionary(x => x.Name, x => x.Value!, StringComparer.Ordinal);

    /// <summary>The input of the render that is stored: every secret replaced by its sentinel.</summary>
    public static RenderInput Masked(RenderInput input, IReadOnlyDictionary<string, string> secrets)
    {
        var sentinels = ValueTree.NewMap();
        foreach (var name in secrets.Keys)
        {
            sentinels[name] = Sentinel(name);
        }

        var sets = input.Sets.Where(set => !secrets.Keys.Any(name => set.StartsWith(name + "=", StringComparison.Ordinal))).ToList();
        return input with { ValueLayers = [.. input.ValueLayers, sentinels], Sets = sets };
    }

    /// <summary>Values with each secret replaced by its mask.</summary>
    public static IReadOnlyDictionary<string, object?> Mask(IReadOnlyDictionary<string, object?> values, IReadOnlyDictionary<string, string> secrets, ISecretSealer sealer)
    {
        var masked = ValueTree.NewMap();
        foreach (var (key, value) in values)
        {
            masked[key] = secrets.TryGetValue(key, out var secret) ? $"(sensitive {sealer.Tag(key, secret)})" : value;
        }

        return masked;
    }

    /// <summary>Values with each mask replaced by the secret it stands for.</summary>
    public static IReadOnlyDictionary<string, object?> Unmask(IReadOnlyDictionary<string, object?> values, IReadOnlyDictionary<string, string> secrets)
    {
        var clear = ValueTree.NewMap();
        foreach (var (key, value) in values)
        {
            clear[key] = IsMask(value) && secrets.TryGetValue(key, out var secret) ? secret : value;
        }

        return clear;
    }

    public static string Seal(IReadOnlyDictionary<string, string> secrets, ISecretSealer sealer) => sealer.Seal(JsonSerializer.Serialize(secrets));

    public static IReadOnlyDictionary<string, string> Open(string? sealedSecrets, ISecretSealer sealer) =>
        sealedSecrets is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(sealer.Open(sealedSecrets)) ?? [];

    /// <summary>A text with every secret (and its sentinel) replaced by <c>(sensitive)</c>.</summary>
    public static string Redact(string text, IReadOnlyDictionary<string, string> secrets)
    {
        foreach (var (name, secret) in secrets)
        {
            text = text.Replace(secret, "(sensitive)", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>A value tree with every secret replaced by <c>(sensitive)</c>: outputs a provisioner echoed back.</summary>
    public static object? RedactTree(object? node, IReadOnlyDictionary<string, string> secrets) => node switch
    {
        string text => Redact(text, secrets),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => RedactTree(kv.Value, secrets), StringComparer.Ordinal),
        IReadOnlyList<object?> list => list.Select(item => RedactTree(item, secrets)).ToList(),
        _ => node,
    };

    /// <summary>A value tree with every sentinel replaced by its secret: what the provisioner receives.</summary>
    public static object? Reveal(object? node, IReadOnlyDictionary<string, string> secrets) => node switch
    {
        string text => secrets.Aggregate(text, (current, secret) => current.Replace(Sentinel(secret.Key), secret.Value, StringComparison.Ordinal)),
        IReadOnlyDictionary<string, object?> map => map.ToDictionary(kv => kv.Key, kv => Reveal(kv.Value, secrets), StringComparer.Ordinal),
        IReadOnlyList<object?> list => list.Select(item => Reveal(item, secrets)).ToList(),
        _ => node,
    };

    /// <summary>
    /// A validation failure with no secret in its texts. Errors quote values in clipped excerpts, so a text that
    /// holds even the start of a secret is replaced whole by a note that the details are withheld.
    /// </summary>
    public static ValidationException Redact(ValidationException error, IReadOnlyDictionary<string, string> secrets)
    {
        string Clean(string text)
        {
            var leaked = secrets.FirstOrDefault(s => text.Contains(s.Value[..Math.Min(6, s.Value.Length)], StringComparison.Ordinal));
            return leaked.Key is null ? text : $"the value of the sensitive parameter {leaked.Key} is not accepted here (details withheld: they would show it)";
        }

        var violations = error.Violations.Select(v => new FieldViolation(v.Field, Clean(v.Description))).ToList();
        return new ValidationException(violations, Clean(error.Message));
    }
}
