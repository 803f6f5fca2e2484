using InfraGrpc.Server.Logging;

namespace InfraGrpc.Server.Hosting;

/// <summary>Logs the addresses actually bound once the server listens (port 0 resolved).</summary>
internal sealed class StartupAnnouncer(IHostApplicationLifetime lifetime, ListenerAddresses addresses, IStoreProbe store, ILogger<StartupAnnouncer> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Log.Listening(logger, addresses.GrpcUri, addresses.HttpUri, store.Location));
        lifetime.ApplicationStopping.Register(() => Log.Stopping(logger));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
