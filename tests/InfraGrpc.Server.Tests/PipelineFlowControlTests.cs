using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class PipelineFlowControlTests(SlowServerFixture server) : IClassFixture<SlowServerFixture>
{
    private Clients Api => server.Api;

    [Fact]
    public async Task ResourceGate_Approved_ThePipelineGoesOn()
    {
        var created = await Api.CreateAsync("gate-approved", GraphChart.Name, "dev", "gateOn=b");

        await Api.WatchUntilAsync(created.Pipeline.Id, GatePending);
        var waiting = (await Api.Pipelines.GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = created.Pipeline.Id })).Pipeline;
        var resolved = await Api.Pipelines.ResolveManualGateAsync(new Proto.ResolveManualGateRequest { PipelineId = created.Pipeline.Id, Approve = true, Comment = "looks good" });
        var done = await Api.WaitAsync(created.Pipeline.Id);

        Assert.Equal(Proto.PipelineStatus.AwaitingApproval, waiting.Status);
        Assert.Equal("Thing/b", resolved.Gate.NodeKey);
        Assert.Equal(Proto.ManualGateState.Approved, resolved.Gate.State);
        Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
        Assert.Equal("looks good", done.Gates.Single().Comment);
    }

    [Fact]
    public async Task ResourceGate_Rejected_CancelsTheNodeAndItsDependentsOnly()
    {
        var created = await Api.CreateAsync("gate-rejected", GraphChart.Name, "dev", "gateOn=f");

        await Api.WatchUntilAsync(created.Pipeline.Id, GatePending);
        await Api.Pipelines.ResolveManualGateAsync(new Proto.ResolveManualGateRequest { PipelineId = created.Pipeline.Id, Approve = false });
        var done = await Api.WaitAsync(created.Pipeline.Id);

        var nodes = done.Nodes.ToDictionary(n => n.Resource.Name, n => n.StackJob);
        Assert.Equal(Proto.PipelineResult.Cancelled, done.Result);
        Assert.Equal("rejected by anonymous", nodes["f"].Reason);
        Assert.Equal("blocked by Thing/f", nodes["g"].Reason);
        Assert.Equal(Proto.PipelineResult.Cancelled, nodes["h"].Result);
        Assert.All(new[] { "a", "b", "c", "d", "e" }, n => Assert.Equal(Proto.PipelineResult.Succeeded, nodes[n].Result));
    }

    [Fact]
    public async Task ProjectApproval_HoldsTheDeployStageUntilApproved()
    {
        var request = new Proto.CreateProjectRequest
        {
            Name = "approval",
            Org = "acme",
            Chart = new Proto.ChartReference { Name = GraphChart.Name },
            Controls = new Proto.PipelineControls { RequireApproval = true },
        };
        var created = await Api.Projects.CreateProjectAsync(request);

        await Api.WatchUntilAsync(created.Pipeline.Id, GatePending);
        var held = (await Api.Pipelines.GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = created.Pipeline.Id })).Pipeline;
        await Api.Pipelines.ResolveManualGateAsync(new Proto.ResolveManualGateRequest { PipelineId = created.Pipeline.Id, GateId = "deploy", Approve = true });
        var done = await Api.WaitAsync(created.Pipeline.Id);

        Assert.All(held.Nodes, n => Assert.Equal(Proto.PipelineStatus.Queued, n.StackJob.Status));
        Assert.Equal(Proto.PipelineResult.Succeeded, held.Stages.Single(s => s.Kind == Proto.PipelineStageKind.Build).Result);
        Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
    }

    [Fact]
    public async Task DisabledDeployments_RunTheBuildStageOnly()
    {
        var created = await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = "build-only",
            Org = "acme",
            Chart = new Proto.ChartReference { Name = GraphChart.Name },
            Controls = new Proto.PipelineControls { DisableDeployments = true },
        });

        var done = await Api.WaitAsync(created.Pipeline.Id);

        Assert.True(done.BuildOnly);
        Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
        Assert.Equal(Proto.PipelineResult.Skipped, done.Stages.Single(s => s.Kind == Proto.PipelineStageKind.Deploy).Result);
        Assert.All(done.Nodes, n => Assert.Equal(Proto.PipelineResult.Skipped, n.StackJob.Result));
    }

    [Fact]
    public async Task DisabledPipelines_CreateRunsNothing()
    {
        var created = await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = "no-pipelines",
            Org = "acme",
            Chart = new Proto.ChartReference { Name = GraphChart.Name },
            Controls = new Proto.PipelineControls { DisablePipelines = true },
        });

        Assert.Null(created.Pipeline);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Pipelines.GetLastPipelineAsync(new Proto.GetLastPipelineRequest { Project = "acme/no-pipelines" }));
    }

    [Fact]
    public async Task CancelPipeline_RunningJobsFinishTheirOperation_TheRestIsCancelled()
    {
        // d waits for an approval, so the pipeline cannot finish before the cancel arrives.
        var created = await Api.CreateAsync("cancelled", GraphChart.Name, "dev", "gateOn=d");

        await Api.WatchUntilAsync(created.Pipeline.Id, e =>
            e.NodeChanged?.StackJob.Status == Proto.PipelineStatus.Running || e.Snapshot?.Nodes.Any(n => n.StackJob.Status == Proto.PipelineStatus.Running) == true);
        await Api.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = created.Pipeline.Id });
        var done = await Api.WaitAsync(created.Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Cancelled, done.Result);
        Assert.Equal("anonymous", done.CancelledBy);
        Assert.Contains(done.Nodes, n => n.StackJob.Result == Proto.PipelineResult.Cancelled && n.StackJob.Reason == "cancelled by anonymous");
        Assert.All(done.Nodes.SelectMany(n => n.StackJob.Operations), o => Assert.NotEqual(Proto.PipelineStatus.Running, o.Status));
        await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await Api.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = created.Pipeline.Id }));
    }

    [Fact]
    public async Task CancelPipeline_WithAReason_RecordsItOnThePipeline()
    {
        var created = await Api.CreateAsync("cancelled-why", GraphChart.Name, "dev", "gateOn=d");
        await Api.WatchUntilAsync(created.Pipeline.Id, e =>
            e.NodeChanged?.StackJob.Status == Proto.PipelineStatus.Running || e.Snapshot?.Nodes.Any(n => n.StackJob.Status == Proto.PipelineStatus.Running) == true);

        await RpcAssert.InvalidArgumentAsync(async () =>
            await Api.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = created.Pipeline.Id, Reason = new string('r', 513) }));
        await Api.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = created.Pipeline.Id, Reason = "maintenance window" });
        var done = await Api.WaitAsync(created.Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Cancelled, done.Result);
        Assert.Equal("cancelled by anonymous: maintenance window", done.Reason);
    }

    // A gate that opened before the watcher connected arrives inside the first snapshot.
    private static bool GatePending(Proto.WatchPipelineResponse e) =>
        e.GateChanged?.State == Proto.ManualGateState.Pending || e.Snapshot?.Gates.Any(g => g.State == Proto.ManualGateState.Pending) == true;
}
