using Grpc.Net.Client;

namespace InfraGrpc.Server.Tests;

/// <summary>One server per test class (classes run in parallel, each with its own data directory).</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private ServerHost? _host;

    public ServerHost Host => _host ?? throw new InvalidOperationException("the server has not started");

    public GrpcChannel Channel => Host.Channel;

    public async Task InitializeAsync() => _host = await ServerHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            Directory.Delete(_host.DataDirectory, recursive: true);
        }
    }
}
