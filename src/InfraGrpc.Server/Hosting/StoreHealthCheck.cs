using InfraGrpc.Storage.LiteDb;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InfraGrpc.Server.Hosting;

/// <summary>Reports healthy while the store answers a read.</summary>
internal sealed class StoreHealthCheck(LiteDbStore store, StoreWatchdog watchdog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!watchdog.Failed && store.IsReadable() ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the store does not answer"));
}
