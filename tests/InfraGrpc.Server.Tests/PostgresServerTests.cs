using Grpc.Core;
using Grpc.Health.V1;
using InfraGrpc.Storage.Contract.Tests;
using Npgsql;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>The server on PostgreSQL (<c>InfraGrpc:Storage:Provider=postgres</c>), as real processes on a real cluster.</summary>
[Collection(OnPostgres.Name)]
[Trait("store", "postgres")]
public sealed class PostgresServerTests(PostgresCluster cluster) : IDisposable
{
    private readonly List<string> _directories = [];

    [Fact]
    public async Task ServerOnPostgres_DeploysAProject_AndWhatItStreamedSurvivesKill9()
    {
        var database = await cluster.NewDatabaseAsync();
        string projectId;
        string pipelineId;
        List<ulong> streamed;
        using (var first = await ServerProcess.StartAsync(NewDataDirectory(), Postgres(database)))
        {
            var api = new Clients(first.Channel);
            await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = GraphChart.Files() });
            var created = await api.CreateAsync("on-postgres", GraphChart.Name, "dev");
            (projectId, pipelineId) = (created.Project.Id, created.Pipeline.Id);
            streamed = [];
            using var watch = api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId, FromStart = true });
            await foreach (var e in watch.ResponseStream.ReadAllAsync())
            {
                streamed.Add(e.Sequence);
                if (e.Terminal)
                {
                    break;
                }
            }

            await first.KillAsync();
        }

        using var second = await ServerProcess.StartAsync(NewDataDirectory(), Postgres(database));
        var again = new Clients(second.Channel);
        var pipeline = (await again.Pipelines.GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = pipelineId })).Pipeline;
        var replayed = new List<ulong>();
        using (var watch = again.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId, FromStart = true }))
        {
            await foreach (var e in watch.ResponseStream.ReadAllAsync())
            {
                replayed.Add(e.Sequence);
            }
        }

        var resources = (await again.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = projectId })).Resources;
        Assert.Equal((Proto.PipelineStatus.Completed, Proto.PipelineResult.Succeeded), (pipeline.Status, pipeline.Result));
        Assert.Equal(streamed, replayed);
        Assert.Equal(GraphChart.Nodes.Length, resources.Count(r => r.State == Proto.ResourceState.Deployed));
        Assert.Equal("on-postgres", (await again.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/on-postgres" })).Project.Name);
    }

    [Fact]
    public async Task WhileTheDatabaseIsUnreachable_HealthIsNotServingAndCallsAreUnavailable_ThenBothRecoverByThemselves()
    {
        var database = new NpgsqlConnectionStringBuilder(await cluster.NewDatabaseAsync());
        await using var relay = TcpRelay.Start(database.Host!, database.Port);
        database.Port = relay.Port;
        database.Timeout = 3;
        using var server = await ServerProcess.StartAsync(NewDataDirectory(), Postgres(database.ConnectionString));
        var health = new Health.HealthClient(server.Channel);
        var api = new Clients(server.Channel);
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = GraphChart.Files() });

        relay.Cut();
        var down = await health.CheckAsync(new HealthCheckRequest());
        var call = await Assert.ThrowsAsync<RpcException>(async () => await api.Charts.GetChartAsync(new Proto.GetChartRequest { Name = GraphChart.Name }));
        relay.Restore();
        var up = await health.CheckAsync(new HealthCheckRequest());
        var chart = await api.Charts.GetChartAsync(new Proto.GetChartRequest { Name = GraphChart.Name });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, down.Status);
        Assert.Equal(StatusCode.Unavailable, call.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, up.Status);
        Assert.Equal(GraphChart.Name, chart.Chart.Name);
        Assert.False(server.HasExited);
    }

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Each server's own data directory (its git cache and keys), removed after the test.</summary>
    private string NewDataDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("infragrpc-pg-").FullName;
        _directories.Add(directory);
        return directory;
    }

    private static string[] Postgres(string connectionString) =>
        ["--InfraGrpc:Storage:Provider=postgres", $"--InfraGrpc:Storage:ConnectionString={connectionString}", "--InfraGrpc:Simulated:Latency=00:00:00.010"];
}
