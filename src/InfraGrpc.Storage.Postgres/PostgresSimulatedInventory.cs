using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Storage.Postgres;

/// <summary>The simulated cloud's inventory in PostgreSQL; written with the pipeline events that report its changes.</summary>
public sealed class PostgresSimulatedInventory(PostgresStore store) : ISimulatedInventory
{
    public async Task<IReadOnlyDictionary<string, object?>?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT outputs_json FROM simulated_resources WHERE key = $1", key), r => Json.Parse(r.GetString(0)) as IReadOnlyDictionary<string, object?>, cancellationToken))
            .SingleOrDefault();

    public async Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default) =>
        await Sql.ListAsync(
            Sql.Command(store.DataSource, "SELECT key FROM simulated_resources WHERE starts_with(key, $1) ORDER BY key", prefix),
            r => r.GetString(0),
            cancellationToken);
}
