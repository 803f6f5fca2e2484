using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Values;
using InfraGrpc.Storage.LiteDb.Documents;
using LiteDB;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>The simulated cloud's inventory in LiteDB.</summary>
public sealed class LiteDbSimulatedInventory(LiteDbStore store) : ISimulatedInventory
{
    private ILiteCollection<SimulatedResourceDocument> Inventory => store.Database.GetCollection<SimulatedResourceDocument>(SimulatedResourceDocument.Collection);

    public Task<IReadOnlyDictionary<string, object?>?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Inventory.FindById(key) is { } document ? Json.Parse(document.OutputsJson) as IReadOnlyDictionary<string, object?> : null));

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(store.Read(() => Inventory.Find(Query.StartsWith("_id", prefix)).Select(d => d.Id).Order(StringComparer.Ordinal).ToList()));
}
