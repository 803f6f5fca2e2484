namespace InfraGrpc.Domain.Git;

/// <summary>Remembers webhook deliveries, so a replayed delivery runs nothing.</summary>
public interface IWebhookDeliveries
{
    /// <summary>
    /// Records a delivery under all its keys (its id and the digest of its body, for example) in one
    /// transaction; false, and nothing recorded, when any key was recorded before.
    /// </summary>
    Task<bool> TryRecordAsync(string provider, IReadOnlyList<string> keys, string summary, CancellationToken cancellationToken = default);
}
