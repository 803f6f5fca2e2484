namespace InfraGrpc.Domain.Pipelines;

/// <summary>A change to the simulated cloud's inventory: <paramref name="Outputs"/> null removes the entry.</summary>
public sealed record InventoryChange(string Key, string Kind, IReadOnlyDictionary<string, object?>? Outputs);
