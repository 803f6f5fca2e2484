using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>A server whose simulated operations take 40 ms each, so concurrency shows in recorded timestamps.</summary>
public sealed class SlowServerFixture : IAsyncLifetime
{
    private ServerHost? _host;

    public ServerHost Host => _host!;

    public Clients Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(null, "--InfraGrpc:Simulated:Latency=00:00:00.040", "--InfraGrpc:Pipelines:Parallelism=8");
        Api = new Clients(_host.Channel);
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = GraphChart.Files() });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            Directory.Delete(_host.DataDirectory, recursive: true);
        }
    }
}
