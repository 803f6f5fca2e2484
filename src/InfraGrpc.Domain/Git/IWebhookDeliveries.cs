namespace InfraGrpc.Domain.Git;

/// <summary>Remembers webhook deliveries, so a replayed delivery runs nothing.</summary>
public interface IWebhookDeliveries
{
    /// <summary>Records a delivery; false when it was recorded before.</summary>
    Task<bool> TryRecordAsync(string provider, string deliveryId, string summary, CancellationToken cancellationToken = default);
}
