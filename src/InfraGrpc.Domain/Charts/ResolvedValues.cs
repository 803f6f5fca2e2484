namespace InfraGrpc.Domain.Charts;

/// <summary>Values after merging: <paramref name="Supplied"/> as the caller gave them, <paramref name="Resolved"/> with defaults applied.</summary>
public sealed record ResolvedValues(IReadOnlyDictionary<string, object?> Supplied, IReadOnlyDictionary<string, object?> Resolved);
