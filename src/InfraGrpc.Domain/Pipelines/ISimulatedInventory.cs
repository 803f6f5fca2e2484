namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// The simulated cloud's inventory, kept in the store so it survives restarts like a real cloud would.
/// It is read here; its changes travel with the pipeline events that report them (<see cref="InventoryChange"/>)
/// and are written in the same transaction (<see cref="IPipelineStore.SaveBatchAsync"/>).
/// </summary>
public interface ISimulatedInventory
{
    Task<IReadOnlyDictionary<string, object?>?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The keys (<c>projectId/Kind/name</c>) of what exists under a prefix, in key order.</summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default);
}
