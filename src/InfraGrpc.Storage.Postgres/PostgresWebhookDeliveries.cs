using InfraGrpc.Domain.Git;

namespace InfraGrpc.Storage.Postgres;

/// <summary>
/// Webhook deliveries in PostgreSQL. The primary key is the deduplication: a copy of a delivery that reaches
/// another replica at the same moment waits on the first one's row and then finds it taken.
/// </summary>
public sealed class PostgresWebhookDeliveries(PostgresStore store, TimeProvider clock) : IWebhookDeliveries
{
    public Task<bool> TryRecordAsync(string provider, IReadOnlyList<string> keys, string summary, CancellationToken cancellationToken = default)
    {
        var ids = keys.Select(key => $"{provider}:{key}").Distinct(StringComparer.Ordinal).ToArray();
        return store.InTransactionIfAsync(
            async (connection, transaction) =>
            {
                var inserted = await Sql.ExecuteAsync(
                    Sql.Command(connection, transaction, "INSERT INTO webhook_deliveries (id, summary, received_at) SELECT unnest($1::text[]), $2, $3 ON CONFLICT (id) DO NOTHING", ids, summary, clock.GetUtcNow()),
                    cancellationToken);
                return inserted == ids.Length;
            },
            cancellationToken);
    }
}
