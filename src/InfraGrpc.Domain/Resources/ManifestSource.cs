using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Resources;

/// <summary>One parsed YAML document and the file it came from, ready to be read as a manifest.</summary>
public sealed record ManifestSource(string File, YamlDocument Document);
