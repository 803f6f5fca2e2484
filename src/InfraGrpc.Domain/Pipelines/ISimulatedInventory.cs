namespace InfraGrpc.Domain.Pipelines;

/// <summary>The simulated cloud's inventory, kept in the store so it survives restarts like a real cloud would.</summary>
public interface ISimulatedInventory
{
    Task<IReadOnlyDictionary<string, object?>?> GetAsync(string key, CancellationToken cancellationToken = default);

    Task PutAsync(string key, string kind, IReadOnlyDictionary<string, object?> outputs, CancellationToken cancellationToken = default);

    Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default);
}
