using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InfraGrpc.Server.Hosting;

/// <summary>Reports healthy while the store answers a read; a database that comes back makes it healthy again.</summary>
internal sealed class StoreHealthCheck(IStoreProbe store, StoreWatchdog watchdog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        !watchdog.Failed && await store.IsReachableAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the store does not answer");
}
