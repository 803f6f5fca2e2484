using InfraGrpc.Domain.Git;
using InfraGrpc.Storage.LiteDb.Documents;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>Webhook deliveries in LiteDB; the check and the record are one transaction, so two copies of a delivery cannot both run.</summary>
public sealed class LiteDbWebhookDeliveries(LiteDbStore store, TimeProvider clock) : IWebhookDeliveries
{
    public Task<bool> TryRecordAsync(string provider, IReadOnlyList<string> keys, string summary, CancellationToken cancellationToken = default)
    {
        var deliveries = store.Database.GetCollection<WebhookDeliveryDocument>(WebhookDeliveryDocument.Collection);
        var ids = keys.Select(key => $"{provider}:{key}").ToList();
        var recorded = store.InTransaction(() =>
        {
            if (ids.Any(id => deliveries.FindById(id) is not null))
            {
                return false;
            }

            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var id in ids)
            {
                deliveries.Insert(new WebhookDeliveryDocument { Id = id, Summary = summary, ReceivedAtUnixMs = now });
            }

            return true;
        });
        return Task.FromResult(recorded);
    }
}
