using Grpc.Net.Client;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>One server per test class (classes run in parallel, each with its own data directory).</summary>
public class ServerFixture : IAsyncLifetime
{
    private readonly string[] _args;
    private ServerHost? _host;

    public ServerFixture()
        : this([])
    {
    }

    protected ServerFixture(params string[] args)
    {
        _args = args;
    }

    public ServerHost Host => _host ?? throw new InvalidOperationException("the server has not started");

    public GrpcChannel Channel => Host.Channel;

    public Clients Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await ServerHost.StartAsync(null, _args);
        Api = new Clients(_host.Channel);
        await SeedAsync(Api);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            Directory.Delete(_host.DataDirectory, recursive: true);
        }
    }

    /// <summary>What every test of the class needs in the catalog.</summary>
    protected virtual Task SeedAsync(Clients api) => Task.CompletedTask;
}

/// <summary>A server whose simulated cloud answers at once, with the story chart published.</summary>
public sealed class ProjectServerFixture() : ServerFixture("--InfraGrpc:Simulated:Latency=00:00:00")
{
    protected override async Task SeedAsync(Clients api) =>
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = FiveEnvironmentStoryTests.StoryChart("1.0.0", null) });
}

/// <summary>A server whose simulated operations take 40 ms each, so concurrency shows in recorded timestamps.</summary>
public sealed class SlowServerFixture() : ServerFixture("--InfraGrpc:Simulated:Latency=00:00:00.040", "--InfraGrpc:Pipelines:Parallelism=8")
{
    protected override async Task SeedAsync(Clients api) =>
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = GraphChart.Files() });
}
