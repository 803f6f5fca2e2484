using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// Issue 12, findings 4 and 6: every operation × every control setting, against the table in
/// PipelineControls' proto comment and docs/lifecycle.md; and the one status rule.
/// </summary>
public sealed class LifecycleControlsTests(LifecycleServerFixture server) : IClassFixture<LifecycleServerFixture>
{
    private Clients Api => server.Api;

    /// <summary>Operation, control, expected outcome.</summary>
    public static TheoryData<string, string, string> Table() => new()
    {
        { "update", "none", "ran" },
        { "update", "disable_pipelines", "no pipeline" },
        { "update", "disable_deployments", "build only" },
        { "update", "require_approval", "gate" },
        { "run", "none", "ran" },
        { "run", "disable_pipelines", "refused PIPELINES_DISABLED" },
        { "run", "disable_deployments", "build only" },
        { "run", "require_approval", "gate" },
        { "rollback", "none", "ran" },
        { "rollback", "disable_pipelines", "no pipeline" },
        { "rollback", "disable_deployments", "build only" },
        { "rollback", "require_approval", "gate" },
        { "undeploy", "none", "ran" },
        { "undeploy", "disable_pipelines", "refused PIPELINES_DISABLED" },
        { "undeploy", "disable_deployments", "refused DEPLOYMENTS_DISABLED" },
        { "undeploy", "require_approval", "gate" },
        { "purge", "none", "ran" },
        { "purge", "disable_pipelines", "refused PIPELINES_DISABLED" },
        { "purge", "disable_deployments", "refused DEPLOYMENTS_DISABLED" },
        { "purge", "require_approval", "gate" },
        { "delete", "none", "refused RESOURCES_DEPLOYED" },
        { "delete", "disable_pipelines", "refused RESOURCES_DEPLOYED" },
        { "delete", "disable_deployments", "refused RESOURCES_DEPLOYED" },
        { "delete", "require_approval", "refused RESOURCES_DEPLOYED" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Operation_UnderEachControl_DoesWhatTheTableSays(string operation, string control, string expected)
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create($"ctl-{operation}-{control.Replace('_', '-')}", "dev", "a", "b>a"));
        await Api.WaitAsync(created.Pipeline.Id);
        var id = created.Project.Id;
        await Api.WaitAsync((await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, Values = LifecycleChart.Values("a", "b>a", "c") })).Pipeline.Id);
        var controls = new Proto.PipelineControls
        {
            DisablePipelines = control == "disable_pipelines",
            DisableDeployments = control == "disable_deployments",
            RequireApproval = control == "require_approval",
        };
        var set = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
        {
            Project = id,
            Controls = controls,
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "controls" } },
        });

        string outcome;
        Proto.Pipeline? pipeline = null;
        try
        {
            pipeline = operation switch
            {
                "update" => (await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, Values = LifecycleChart.Values("a", "b>a", "d") })).Pipeline,
                "run" => (await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = id })).Pipeline,
                "rollback" => (await Api.Projects.RollbackProjectAsync(new Proto.RollbackProjectRequest { Project = id, ToRevision = 1 })).Pipeline,
                "undeploy" => (await Api.Projects.UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = id })).Pipeline,
                "purge" => (await Api.Projects.PurgeProjectAsync(new Proto.PurgeProjectRequest { Project = id })).Pipeline,
                _ => await DeleteAsync(id),
            };
            outcome = pipeline is null ? "no pipeline" : await OutcomeAsync(pipeline.Id);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            outcome = "refused " + RpcAssert.Info(e).Reason;
        }

        Assert.Equal(expected, outcome);
        Assert.False(set.Changed && set.Revision is not null, "a controls-only change made a revision");
        if (operation != "purge" || outcome != "ran")
        {
            var project = (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = id })).Project;

            // Controls are the current policy: no operation (a rollback included) changes them.
            Assert.Equal(controls, project.Controls);

            // A rejected gate, a refusal or a skipped deploy never makes a deployed project FAILED.
            Assert.NotEqual(Proto.ProjectStatus.Failed, project.Status);
        }
    }

    [Fact]
    public async Task Status_FollowsTheRunningPipeline_AndAQueuedCancelCompletesAtOnce()
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("status-queue", "dev", "a"));
        await Api.WaitAsync(created.Pipeline.Id);
        var id = created.Project.Id;
        await Api.Projects.UpdateProjectAsync(ReconciliationTests.Mask(id, "controls.require_approval", new Proto.PipelineControls { RequireApproval = true }));
        var held = (await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = id })).Pipeline;
        await Api.WatchUntilAsync(held.Id, ReconciliationTests.GatePending);
        var queued = (await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = id })).Pipeline;
        var whileQueued = await ProjectAsync(id);

        var cancelled = (await Api.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = queued.Id, Reason = "not needed" })).Pipeline;
        var afterCancel = await ProjectAsync(id);
        await Api.Pipelines.ResolveManualGateAsync(new Proto.ResolveManualGateRequest { PipelineId = held.Id, Approve = true });
        await Api.WaitAsync(held.Id);
        var done = await ProjectAsync(id);

        Assert.Equal(Proto.ProjectStatus.Deploying, whileQueued.Status);
        Assert.Equal(queued.Id, whileQueued.LastPipeline.Id);
        Assert.Equal(Proto.PipelineStatus.Completed, cancelled.Status);
        Assert.Equal(Proto.PipelineResult.Cancelled, cancelled.Result);
        Assert.Equal("cancelled by anonymous: not needed (before it started)", cancelled.Reason);
        Assert.Equal(Proto.ProjectStatus.Deploying, afterCancel.Status);
        Assert.Equal(Proto.ProjectStatus.Deployed, done.Status);
    }

    [Fact]
    public async Task Status_ABuildOnlyPipelineOnADeployedProject_IsOutOfSyncNotNew()
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("status-build-only", "dev", "a", "b>a"));
        await Api.WaitAsync(created.Pipeline.Id);
        await Api.Projects.UpdateProjectAsync(ReconciliationTests.Mask(created.Project.Id, "controls.disable_deployments", new Proto.PipelineControls { DisableDeployments = true }));

        var built = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, Values = LifecycleChart.Values("a", "b>a", "c") });
        var pipeline = await Api.WaitAsync(built.Pipeline.Id);
        var project = await ProjectAsync(created.Project.Id);

        Assert.True(pipeline.BuildOnly);
        Assert.Equal(Proto.ProjectStatus.OutOfSync, project.Status);
        Assert.Equal(["Thing/a", "Thing/b"], await server.InventoryAsync(created.Project.Id));
    }

    [Fact]
    public async Task Changes_AfterAPurgeWasRequested_AreRefusedUntilItIsCancelled()
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("purge-pending", "dev", "a"));
        await Api.WaitAsync(created.Pipeline.Id);
        var id = created.Project.Id;
        await Api.Projects.UpdateProjectAsync(ReconciliationTests.Mask(id, "controls.require_approval", new Proto.PipelineControls { RequireApproval = true }));
        var purge = (await Api.Projects.PurgeProjectAsync(new Proto.PurgeProjectRequest { Project = id })).Pipeline;
        await Api.WatchUntilAsync(purge.Id, ReconciliationTests.GatePending);

        var update = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, Values = LifecycleChart.Values("a", "b") }));
        var rerun = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () => await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = id }));
        var again = await Api.Projects.PurgeProjectAsync(new Proto.PurgeProjectRequest { Project = id });
        await Api.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = purge.Id });
        await Api.WaitAsync(purge.Id);
        var accepted = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, Values = LifecycleChart.Values("a", "b") });

        Assert.Equal("PURGE_PENDING", RpcAssert.Info(update).Reason);
        Assert.Equal("PURGE_PENDING", RpcAssert.Info(rerun).Reason);
        Assert.Equal(purge.Id, again.Pipeline.Id);
        Assert.NotNull(accepted.Revision);
    }

    [Fact]
    public async Task DestructiveCalls_WithAStaleBaseRevision_AreAborted()
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("stale-base", "dev", "a"));
        await Api.WaitAsync(created.Pipeline.Id);
        var id = created.Project.Id;
        await Api.WaitAsync((await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, Values = LifecycleChart.Values("a", "b") })).Pipeline.Id);

        await RpcAssert.ThrowsAsync(StatusCode.Aborted, async () => await Api.Projects.UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = id, BaseRevision = 1 }));
        await RpcAssert.ThrowsAsync(StatusCode.Aborted, async () => await Api.Projects.PurgeProjectAsync(new Proto.PurgeProjectRequest { Project = id, BaseRevision = 1 }));
        await RpcAssert.ThrowsAsync(StatusCode.Aborted, async () => await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = id, BaseRevision = 1 }));
        var current = await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = id, BaseRevision = 2 });

        Assert.Equal(Proto.PipelineResult.Succeeded, (await Api.WaitAsync(current.Pipeline.Id)).Result);
    }

    private async Task<Proto.InfraProject> ProjectAsync(string id) => (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = id })).Project;

    private async Task<Proto.Pipeline?> DeleteAsync(string id)
    {
        await Api.Projects.DeleteProjectAsync(new Proto.DeleteProjectRequest { Project = id });
        return null;
    }

    // What became of a pipeline: it ran, stopped after its build stage, or waited at its gate (then rejected).
    private async Task<string> OutcomeAsync(string pipelineId)
    {
        var gated = false;
        await Api.WatchUntilAsync(pipelineId, e =>
        {
            gated = ReconciliationTests.GatePending(e);
            return gated || e.Terminal;
        });
        if (gated)
        {
            await Api.Pipelines.ResolveManualGateAsync(new Proto.ResolveManualGateRequest { PipelineId = pipelineId, Approve = false });
            await Api.WaitAsync(pipelineId);
            return "gate";
        }

        var done = await Api.WaitAsync(pipelineId);
        return done.BuildOnly ? "build only" : done.Result == Proto.PipelineResult.Succeeded ? "ran" : "ended " + done.Result;
    }
}
