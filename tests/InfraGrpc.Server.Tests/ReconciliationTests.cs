using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Issue 12, findings 1 and 2: what is deployed matches the record; references bind in the consumer's env only.</summary>
public sealed class ReconciliationTests(LifecycleServerFixture server) : IClassFixture<LifecycleServerFixture>
{
    private Clients Api => server.Api;

    [Fact]
    public async Task UpdateProject_RemovingAResource_DestroysIt_AndPreviewShowsThePlan()
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("removed", "dev", "vpc", "app>vpc", "blog>vpc"));
        await Api.WaitAsync(created.Pipeline.Id);
        var change = new Proto.UpdateProjectRequest { Project = created.Project.Id, Values = LifecycleChart.Values("vpc", "app>vpc") };

        var preview = await Api.Projects.PreviewProjectAsync(new Proto.PreviewProjectRequest { Update = change });
        var updated = await Api.Projects.UpdateProjectAsync(change);
        var pipeline = await Api.WaitAsync(updated.Pipeline.Id);

        Assert.Equal("0 to create, 0 to update, 1 to destroy, 2 unchanged", preview.Plan.Summary);
        Assert.Equal(Proto.PlannedAction.Destroy, preview.Plan.Changes.Single(c => c.Resource.Name == "blog").Action);
        Assert.Equal(preview.Plan.Summary, updated.Plan.Summary);
        Assert.Equal(Proto.PipelineResult.Succeeded, pipeline.Result);
        var destroy = pipeline.Nodes.Single(n => n.Action == Proto.PipelineNodeAction.Destroy);
        Assert.Equal("Thing/blog", destroy.Key);
        Assert.Equal([Proto.StackJobOperationKind.Refresh, Proto.StackJobOperationKind.Destroy], destroy.StackJob.Operations.Select(o => o.Kind));
        Assert.Equal(["Thing/app", "Thing/vpc"], await server.InventoryAsync(created.Project.Id));
        Assert.Equal(["Thing/vpc", "Thing/app"], await DeployedAsync(created.Project.Id));
        Assert.Equal(Proto.ProjectStatus.Deployed, (await GetAsync(created.Project.Id)).Status);
    }

    [Fact]
    public async Task UpdateProject_RenamingAProducer_DestroysTheOldOneAfterItsConsumerMoved()
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("renamed", "dev", "vpc", "app>vpc"));
        await Api.WaitAsync(created.Pipeline.Id);

        var updated = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, Values = LifecycleChart.Values("net", "app>net") });
        var pipeline = await Api.WaitAsync(updated.Pipeline.Id);

        Assert.Equal("1 to create, 1 to update, 1 to destroy", updated.Plan.Summary);
        var old = pipeline.Nodes.Single(n => n.Key == "Thing/vpc");
        var app = pipeline.Nodes.Single(n => n.Key == "Thing/app");
        Assert.Equal(Proto.PipelineNodeAction.Destroy, old.Action);
        Assert.Equal(["Thing/app"], old.Producers);
        Assert.True(old.StackJob.StartTime.ToDateTimeOffset() >= app.StackJob.EndTime.ToDateTimeOffset(), "the old producer was destroyed before its consumer moved");
        Assert.Equal(["Thing/app", "Thing/net"], await server.InventoryAsync(created.Project.Id));
    }

    [Fact]
    public async Task UndeployAndPurge_DestroyLeftoversOutsideTheRevision_AndPurgeLeavesNothing()
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("leftover", "dev", "a", "b>a"));
        await Api.WaitAsync(created.Pipeline.Id);

        // A deploy that would destroy b is stopped at its gate: b is left deployed outside the revision.
        await Api.Projects.UpdateProjectAsync(Mask(created.Project.Id, "controls.require_approval", new Proto.PipelineControls { RequireApproval = true }));
        var removing = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, Values = LifecycleChart.Values("a") });
        await Api.WatchUntilAsync(removing.Pipeline.Id, GatePending);
        await Api.Pipelines.ResolveManualGateAsync(new Proto.ResolveManualGateRequest { PipelineId = removing.Pipeline.Id, Approve = false });
        await Api.WaitAsync(removing.Pipeline.Id);
        var leftBehind = await GetAsync(created.Project.Id);
        await Api.Projects.UpdateProjectAsync(Mask(created.Project.Id, "controls.require_approval", new Proto.PipelineControls()));

        var undeploy = await Api.Projects.UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = created.Project.Id });
        var undeployed = await Api.WaitAsync(undeploy.Pipeline.Id);

        Assert.Equal(Proto.ProjectStatus.OutOfSync, leftBehind.Status);
        Assert.Equal(["Thing/a", "Thing/b"], undeployed.Nodes.Select(n => n.Key).Order());
        Assert.All(undeployed.Nodes, n => Assert.Equal(Proto.PipelineNodeAction.Destroy, n.Action));
        Assert.Equal(["Thing/b"], undeployed.Nodes.Single(n => n.Key == "Thing/a").Producers);
        Assert.Empty(await server.InventoryAsync(created.Project.Id));
        Assert.Equal(Proto.ProjectStatus.Undeployed, (await GetAsync(created.Project.Id)).Status);

        // Purge after a redeploy of a smaller revision whose destroy was again rejected: nothing survives.
        var redeploy = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, Values = LifecycleChart.Values("a", "b>a", "c") });
        await Api.WaitAsync(redeploy.Pipeline.Id);
        await Api.Projects.UpdateProjectAsync(Mask(created.Project.Id, "controls.require_approval", new Proto.PipelineControls { RequireApproval = true }));
        var shrinking = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, Values = LifecycleChart.Values("a") });
        await Api.WatchUntilAsync(shrinking.Pipeline.Id, GatePending);
        await Api.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = shrinking.Pipeline.Id });
        await Api.WaitAsync(shrinking.Pipeline.Id);
        await Api.Projects.UpdateProjectAsync(Mask(created.Project.Id, "controls.require_approval", new Proto.PipelineControls()));
        var purge = await Api.Projects.PurgeProjectAsync(new Proto.PurgeProjectRequest { Project = created.Project.Id });
        var terminal = await TerminalAsync(purge.Pipeline.Id);

        Assert.True(terminal.PipelineChanged.ProjectDeleted);
        Assert.Equal(Proto.PipelineResult.Succeeded, terminal.PipelineChanged.Result);
        Assert.Empty(await server.InventoryAsync(created.Project.Id));
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await GetAsync(created.Project.Id));
    }

    [Fact]
    public async Task ExternalReference_WithoutEnv_BindsOnlyTheConsumersEnv_AndAmbiguityNamesTheCandidates()
    {
        var prod = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("vpc-prod", "prod", "core"));
        await Api.WaitAsync(prod.Pipeline.Id);

        // Only prod deploys Thing/core: a dev consumer must not bind it.
        var consumer = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("app-dev", "dev", "app>core"));
        var unbound = await Api.WaitAsync(consumer.Pipeline.Id);

        var dev = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("vpc-dev", "dev", "core"));
        await Api.WaitAsync(dev.Pipeline.Id);
        var bound = await Api.WaitAsync((await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = consumer.Project.Id })).Pipeline.Id);

        var twin = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("vpc-dev-2", "dev", "core"));
        await Api.WaitAsync(twin.Pipeline.Id);
        var ambiguous = await Api.WaitAsync((await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = consumer.Project.Id })).Pipeline.Id);

        // A producer that renames its resource stops being a candidate once its deploy destroyed the old one.
        await Api.WaitAsync((await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = twin.Project.Id, Values = LifecycleChart.Values("core-2") })).Pipeline.Id);
        var afterRename = await Api.WaitAsync((await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = consumer.Project.Id })).Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Failed, unbound.Result);
        Assert.Contains("in env dev, which no other project of org life has deployed", unbound.Reason, StringComparison.Ordinal);
        Assert.Equal(Proto.PipelineResult.Succeeded, bound.Result);
        Assert.Equal(Proto.PipelineResult.Failed, ambiguous.Result);
        Assert.Contains("ambiguous: life/vpc-dev, life/vpc-dev-2", ambiguous.Reason, StringComparison.Ordinal);
        Assert.Equal(Proto.PipelineResult.Succeeded, afterRename.Result);
    }

    [Fact]
    public async Task ExternalReference_ToALeftoverItsProducerRemoved_FailsNamingWhy()
    {
        var producer = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("leftover-producer", "qa", "shared"));
        await Api.WaitAsync(producer.Pipeline.Id);

        // The producer renames the resource; its deploy waits at a gate, so the old one is still deployed.
        await Api.Projects.UpdateProjectAsync(Mask(producer.Project.Id, "controls.require_approval", new Proto.PipelineControls { RequireApproval = true }));
        var renaming = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = producer.Project.Id, Values = LifecycleChart.Values("shared-2") });
        await Api.WatchUntilAsync(renaming.Pipeline.Id, GatePending);
        var consumer = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("leftover-consumer", "qa", "app>shared"));
        var refused = await Api.WaitAsync(consumer.Pipeline.Id);
        await Api.Pipelines.ResolveManualGateAsync(new Proto.ResolveManualGateRequest { PipelineId = renaming.Pipeline.Id, Approve = false });

        Assert.Equal(Proto.PipelineResult.Failed, refused.Result);
        Assert.Contains("which life/leftover-producer removed from its current revision", refused.Reason, StringComparison.Ordinal);
    }

    internal static bool GatePending(Proto.WatchPipelineResponse e) =>
        e.GateChanged?.State == Proto.ManualGateState.Pending || (e.Snapshot?.Gates.Any(g => g.State == Proto.ManualGateState.Pending) ?? false);

    private async Task<Proto.InfraProject> GetAsync(string id) => (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = id })).Project;

    private async Task<List<string>> DeployedAsync(string id) =>
        (await Api.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = id })).Resources
            .Where(r => r.State == Proto.ResourceState.Deployed).Select(r => $"{r.Resource.Kind}/{r.Resource.Name}").ToList();

    private async Task<Proto.WatchPipelineResponse> TerminalAsync(string pipelineId)
    {
        // From the start: the pipeline may have completed already, and its terminal event is what is checked.
        using var call = Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId, FromStart = true });
        await foreach (var e in call.ResponseStream.ReadAllAsync())
        {
            if (e.Terminal)
            {
                return e;
            }
        }

        throw new Xunit.Sdk.XunitException("the stream ended without a terminal event");
    }

    internal static Proto.UpdateProjectRequest Mask(string project, string path, Proto.PipelineControls controls) => new()
    {
        Project = project,
        Controls = controls,
        UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { path } },
    };
}
