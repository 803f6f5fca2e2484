using InfraGrpc.Domain.Pipelines;

namespace InfraGrpc.Server.Pipelines;

/// <summary>Recovers pipelines at start-up (before the server takes calls) and flushes pending writes on shutdown.</summary>
internal sealed class PipelineEngineHost(PipelineEngine engine, PipelinePersister persister) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => engine.RecoverAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await persister.FlushAsync().WaitAsync(cancellationToken);
}
