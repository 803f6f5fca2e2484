using InfraGrpc.Domain.Git;
using InfraGrpc.Storage.LiteDb.Documents;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>Webhook deliveries in LiteDB; the check and the record are one transaction, so two copies of a delivery cannot both run.</summary>
public sealed class LiteDbWebhookDeliveries(LiteDbStore store, TimeProvider clock) : IWebhookDeliveries
{
    public Task<bool> TryRecordAsync(string provider, string deliveryId, string summary, CancellationToken cancellationToken = default)
    {
        var deliveries = store.Database.GetCollection<WebhookDeliveryDocument>(WebhookDeliveryDocument.Collection);
        var id = $"{provider}:{deliveryId}";
        var recorded = store.InTransaction(() =>
        {
            if (deliveries.FindById(id) is not null)
            {
                return false;
            }

            deliveries.Insert(new WebhookDeliveryDocument { Id = id, Summary = summary, ReceivedAtUnixMs = clock.GetUtcNow().ToUnixTimeMilliseconds() });
            return true;
        });
        return Task.FromResult(recorded);
    }
}
