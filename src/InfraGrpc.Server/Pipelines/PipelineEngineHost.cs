using InfraGrpc.Domain.Pipelines;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InfraGrpc.Server.Pipelines;

/// <summary>Recovers pipelines at start-up (before the server takes calls) and flushes pending writes on shutdown.</summary>
internal sealed class PipelineEngineHost(PipelineEngine engine, PipelinePersister persister) : IHostedService, IHealthCheck
{
    private volatile bool _recovered;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await engine.RecoverAsync(cancellationToken);
        _recovered = true;
    }

    /// <summary>Stores what is pending; with replicas, hands the pipelines this one runs over to the others.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await persister.FlushAsync().WaitAsync(cancellationToken);
        await engine.HandOverAsync().WaitAsync(cancellationToken);
    }

    /// <summary>Ready once the pipelines a restart interrupted are settled and the queued ones restarted.</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_recovered ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("recovering pipelines after a restart"));
}
