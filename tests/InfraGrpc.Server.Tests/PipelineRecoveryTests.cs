using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class PipelineRecoveryTests
{
    // The embedded store's single server fails what a crash interrupted; replicas on PostgreSQL resume it instead (ReplicaTests).
    [Fact]
    [Trait("store", "litedb")]
    public async Task ServerKilledMidPipeline_RestartFailsItWithTheReason_AndAReRunCompletesWithoutRecreating()
    {
        var directory = Directory.CreateTempSubdirectory("infragrpc-kill-").FullName;
        string projectId;
        string pipelineId;
        using (var doomed = await ServerProcess.StartAsync(directory, "--InfraGrpc:Simulated:Latency=00:00:00.150", "--InfraGrpc:Pipelines:Parallelism=1"))
        {
            var api = new Clients(doomed.Channel);
            await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = GraphChart.Files() });
            var created = await api.CreateAsync("killed", GraphChart.Name, "dev");
            (projectId, pipelineId) = (created.Project.Id, created.Pipeline.Id);

            // Wait until at least one resource is applied and another is in flight, then kill -9.
            await api.WatchUntilAsync(pipelineId, e => e.NodeChanged is { StackJob.Result: Proto.PipelineResult.Succeeded });
            await api.WatchUntilAsync(pipelineId, e => e.NodeChanged is { StackJob.Status: Proto.PipelineStatus.Running } || e.Snapshot?.Nodes.Any(n => n.StackJob.Status == Proto.PipelineStatus.Running) == true);
            await doomed.KillAsync();
        }

        await using var restarted = await ServerHost.StartAsync(directory, "--InfraGrpc:Simulated:Latency=00:00:00");
        var again = new Clients(restarted.Channel);
        var interrupted = (await again.Pipelines.GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = pipelineId })).Pipeline;
        var appliedBefore = (await again.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = projectId })).Resources
            .Where(r => r.State == Proto.ResourceState.Deployed)
            .ToDictionary(r => r.Resource.Name, r => r.Outputs.Fields["id"].StringValue);
        var rerun = await again.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = projectId });
        var completed = await again.WaitAsync(rerun.Pipeline.Id);

        Assert.Equal(Proto.PipelineStatus.Completed, interrupted.Status);
        Assert.Equal(Proto.PipelineResult.Failed, interrupted.Result);
        Assert.Equal("interrupted by server restart", interrupted.Reason);
        Assert.NotEmpty(appliedBefore);
        Assert.Equal(Proto.PipelineResult.Succeeded, completed.Result);
        foreach (var node in completed.Nodes.Where(n => appliedBefore.ContainsKey(n.Resource.Name)))
        {
            Assert.Equal("updated", node.StackJob.Operations.Single(o => o.Kind == Proto.StackJobOperationKind.Apply).Message);
            Assert.Equal(appliedBefore[node.Resource.Name], node.StackJob.Outputs.Fields["id"].StringValue);
        }
    }
}
