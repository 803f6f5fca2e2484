namespace InfraGrpc.Server.Tests;

/// <summary>A server whose simulated cloud answers at once, for project and pipeline tests that do not measure time.</summary>
public sealed class ProjectServerFixture : IAsyncLifetime
{
    private ServerHost? _host;

    public ServerHost Host => _host!;

    public Clients Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(null, "--InfraGrpc:Simulated:Latency=00:00:00");
        Api = new Clients(_host.Channel);
        await Api.Charts.PublishChartAsync(new Contracts.V1.PublishChartRequest { Files = FiveEnvironmentStoryTests.StoryChart("1.0.0", null) });
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
