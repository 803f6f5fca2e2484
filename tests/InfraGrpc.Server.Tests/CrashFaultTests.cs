using System.Globalization;
using Grpc.Core;
using Xunit.Abstractions;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// The fault test: rounds of kill -9 at a random moment of a 120-node deploy, with a watcher recording
/// what it receives. After every restart: no acknowledged revision is lost, no pipeline is stuck, a
/// re-run succeeds, and every event the watcher received before the kill is identical in the store.
/// The number of rounds is <c>INFRAGRPC_FAULT_ROUNDS</c> (default 3); <c>bench/fault.sh</c> runs 20.
/// </summary>
public sealed class CrashFaultTests(ITestOutputHelper output) : IDisposable
{
    private const int Layers = 12;
    private const int Width = 10;
    private readonly string _directory = Directory.CreateTempSubdirectory("infragrpc-fault-").FullName;

    [Fact]
    public async Task Deploy_KilledAtRandomMoments_LosesNothingAcknowledgedAndNeverRewritesWhatWasStreamed()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("INFRAGRPC_FAULT_ROUNDS"), CultureInfo.InvariantCulture, out var n) ? n : 3;
        var random = new Random();
        var acknowledged = new List<int>();
        var (lost, stuck, reruns, changed, kills, records) = (0, 0, 0, 0, 0, 0);
        string? projectId = null;
        for (var round = 0; round < rounds; round++)
        {
            using (var server = await StartAsync())
            {
                var api = new Clients(server.Channel);
                string pipelineId;
                if (projectId is null)
                {
                    await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = LayeredChart() });
                    var created = await api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
                    {
                        Name = "faulty",
                        Org = "fault",
                        Env = "dev",
                        Chart = new Proto.ChartReference { Name = "layered" },
                    });
                    (projectId, pipelineId) = (created.Project.Id, created.Pipeline.Id);
                    acknowledged.Add(created.Revision.Number);
                }
                else
                {
                    var updated = await api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
                    {
                        Project = projectId,
                        ValuesPatch = new Proto.ValuesInput { Set = { $"round={round}" } },
                    });
                    pipelineId = updated.Pipeline.Id;
                    acknowledged.Add(updated.Revision.Number);
                }

                // The watcher records events; the kill comes after a random number of them.
                var killAfter = random.Next(1, Layers * Width * 4);
                var received = new List<Proto.WatchPipelineResponse>();
                using (var call = api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId }))
                {
                    try
                    {
                        while (await call.ResponseStream.MoveNext(CancellationToken.None) && received.Count < killAfter && !call.ResponseStream.Current.Terminal)
                        {
                            received.Add(call.ResponseStream.Current);
                        }
                    }
                    catch (RpcException)
                    {
                    }
                }

                await server.KillAsync();
                kills++;
                _received[round] = (pipelineId, received);
            }

            using (var restarted = await StartAsync())
            {
                var api = new Clients(restarted.Channel);
                var revisions = await api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = projectId, PageSize = 500 });
                lost += acknowledged.Except(revisions.Revisions.Select(r => r.Number)).Count();

                var (pipelineId, received) = _received[round];
                stuck += await CountStuckAsync(api, projectId);
                changed += await CountChangedAsync(api, pipelineId, received);
                records += await CountRecordsBehindAsync(api, projectId, received);

                var rerun = await api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = projectId });
                var done = await api.WaitAsync(rerun.Pipeline.Id, TimeSpan.FromMinutes(2));
                reruns += done.Result == Proto.PipelineResult.Succeeded ? 1 : 0;
            }
        }

        output.WriteLine($"fault: {rounds} rounds, {kills} kills, {lost} acknowledged revisions lost, {stuck} pipelines stuck, {reruns}/{rounds} re-runs succeeded, {changed} streamed events changed, {records} resource records behind a streamed apply");
        Assert.Equal((0, 0, rounds, 0, 0), (lost, stuck, reruns, changed, records));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private readonly Dictionary<int, (string PipelineId, List<Proto.WatchPipelineResponse> Received)> _received = [];

    private Task<ServerProcess> StartAsync() =>
        ServerProcess.StartAsync(_directory, "--InfraGrpc:Simulated:Latency=00:00:00.010", "--InfraGrpc:Pipelines:Parallelism=8");

    // Every pipeline of the project reaches its end after the restart (interrupted ones at once, queued ones by running).
    private static async Task<int> CountStuckAsync(Clients api, string projectId)
    {
        var stuck = 0;
        var pipelines = await api.Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { Project = projectId, PageSize = 500 });
        foreach (var pipeline in pipelines.Pipelines.Where(p => p.Status != Proto.PipelineStatus.Completed))
        {
            try
            {
                await api.WaitAsync(pipeline.Id, TimeSpan.FromMinutes(1));
            }
            catch (RpcException)
            {
                stuck++;
            }
            catch (OperationCanceledException)
            {
                stuck++;
            }
        }

        return stuck;
    }

    // What the store holds for each sequence number the watcher received must be that same event.
    private static async Task<int> CountChangedAsync(Clients api, string pipelineId, List<Proto.WatchPipelineResponse> received)
    {
        if (received.Count < 2)
        {
            return 0;
        }

        // after_sequence 0 asks for a snapshot, so the replay starts after event 1 at the earliest.
        var after = Math.Max(1UL, received[0].Sequence);
        var stored = new Dictionary<ulong, Proto.WatchPipelineResponse>();
        using var call = api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId, AfterSequence = after });
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            stored[e.Sequence] = e;
        }

        return received.Where(e => e.Sequence > after).Count(e => !stored.TryGetValue(e.Sequence, out var same) || !same.Equals(e));
    }

    // Every apply a watcher saw succeed has its record, deployed with the same outputs, after the restart.
    private static async Task<int> CountRecordsBehindAsync(Clients api, string projectId, List<Proto.WatchPipelineResponse> received)
    {
        var applied = received
            .Where(e => e.EventCase == Proto.WatchPipelineResponse.EventOneofCase.NodeChanged
                && e.NodeChanged.StackJob.Operations.Any(o => o.Kind == Proto.StackJobOperationKind.Apply && o.Result == Proto.PipelineResult.Succeeded))
            .GroupBy(e => e.NodeChanged.Key)
            .Select(g => g.Last().NodeChanged)
            .ToList();
        var resources = (await api.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = projectId })).Resources
            .ToDictionary(r => $"{r.Resource.Kind}/{r.Resource.Name}");
        return applied.Count(node => !resources.TryGetValue(node.Key, out var record)
            || record.State != Proto.ResourceState.Deployed
            || !record.Outputs.Equals(node.StackJob.Outputs));
    }

    private static Proto.ChartFiles LayeredChart()
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: layered}\nspec: {version: 1.0.0}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n  - {name: round, value: \"0\"}\n"));
        var documents = new List<string>();
        for (var layer = 0; layer < Layers; layer++)
        {
            for (var i = 0; i < Width; i++)
            {
                var input = layer == 0 ? "{round: \"{{values.round}}\"}" : $"{{round: \"{{{{values.round}}}}\", from: {{valueFrom: {{kind: Thing, name: l{layer - 1}n{i}, fieldPath: status.outputs.id}}}}}}";
                documents.Add($"apiVersion: test.infragrpc.dev/v1\nkind: Thing\nmetadata: {{name: l{layer}n{i}}}\nspec: {input}\n");
            }
        }

        files.Files.Add(Charts.File("templates/things.yaml", string.Join("---\n", documents)));
        return files;
    }
}
