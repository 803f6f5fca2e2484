using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class PipelineSchedulingTests(SlowServerFixture server) : IClassFixture<SlowServerFixture>
{
    private Clients Api => server.Api;

    [Fact]
    public async Task Deploy_DiamondAndChain_ProducersFirstAndIndependentNodesConcurrently()
    {
        var created = await Api.CreateAsync("scheduled", GraphChart.Name, "dev");

        var pipeline = await Api.WaitAsync(created.Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Succeeded, pipeline.Result);
        var nodes = pipeline.Nodes.ToDictionary(n => n.Resource.Name, n => n.StackJob);
        foreach (var (node, producers) in GraphChart.Nodes)
        {
            foreach (var producer in producers)
            {
                Assert.True(nodes[node].StartTime.ToDateTimeOffset() >= nodes[producer].EndTime.ToDateTimeOffset(), $"{node} started before its producer {producer} ended");
            }
        }

        Assert.True(Overlap(nodes["b"], nodes["c"]), "b and c are independent and should run concurrently");
        Assert.True(Overlap(nodes["a"], nodes["e"]), "the diamond and the chain should start together");
        Assert.All(nodes.Values, job => Assert.Equal(
            [Proto.StackJobOperationKind.Refresh, Proto.StackJobOperationKind.Preview, Proto.StackJobOperationKind.Apply],
            job.Operations.Select(o => o.Kind)));
    }

    [Fact]
    public async Task Undeploy_WalksTheGraphInReverse()
    {
        var created = await Api.CreateAsync("reversed", GraphChart.Name, "dev");
        await Api.WaitAsync(created.Pipeline.Id);

        var undeploy = await Api.Projects.UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = created.Project.Id });
        var pipeline = await Api.WaitAsync(undeploy.Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Succeeded, pipeline.Result);
        var nodes = pipeline.Nodes.ToDictionary(n => n.Resource.Name, n => n.StackJob);
        foreach (var (node, producers) in GraphChart.Nodes)
        {
            foreach (var producer in producers)
            {
                Assert.True(nodes[producer].StartTime.ToDateTimeOffset() >= nodes[node].EndTime.ToDateTimeOffset(), $"{producer} was destroyed before its consumer {node}");
            }
        }

        Assert.All(nodes.Values, job => Assert.Equal(Proto.StackJobOperationKind.Destroy, job.Operations[^1].Kind));
        var resources = await Api.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = created.Project.Id });
        Assert.All(resources.Resources, r => Assert.Equal(Proto.ResourceState.Destroyed, r.State));
        Assert.Equal(Proto.ProjectStatus.Undeployed, (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = created.Project.Id })).Project.Status);
    }

    [Fact]
    public async Task Deploy_FailureInTheMiddle_CancelsExactlyItsDependents_ThenARedeployCompletes()
    {
        var created = await Api.CreateAsync("failing", GraphChart.Name, "dev", "failOn=b");

        var failed = await Api.WaitAsync(created.Pipeline.Id);

        var nodes = failed.Nodes.ToDictionary(n => n.Resource.Name, n => n.StackJob);
        Assert.Equal(Proto.PipelineResult.Failed, failed.Result);
        Assert.Equal(Proto.PipelineResult.Failed, nodes["b"].Result);
        Assert.Equal(Proto.PipelineResult.Cancelled, nodes["d"].Result);
        Assert.Equal("blocked by Thing/b", nodes["d"].Reason);
        Assert.All(new[] { "a", "c", "e", "f", "g", "h" }, n => Assert.Equal(Proto.PipelineResult.Succeeded, nodes[n].Result));

        var fixedUp = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, ValuesPatch = new Proto.ValuesInput { Set = { "failOn=" } } });
        var redeployed = await Api.WaitAsync(fixedUp.Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Succeeded, redeployed.Result);
        var resources = await Api.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = created.Project.Id });
        Assert.All(resources.Resources, r => Assert.Equal(Proto.ResourceState.Deployed, r.State));
    }

    [Fact]
    public async Task SecondPipeline_ForABusyProject_QueuesAndRunsAfterTheFirst()
    {
        var created = await Api.CreateAsync("queued", GraphChart.Name, "dev");

        var second = await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = created.Project.Id });
        var first = await Api.WaitAsync(created.Pipeline.Id);
        var secondDone = await Api.WaitAsync(second.Pipeline.Id);

        Assert.Equal(Proto.PipelineStatus.Queued, second.Pipeline.Status);
        Assert.True(secondDone.StartTime.ToDateTimeOffset() >= first.EndTime.ToDateTimeOffset());
        Assert.Equal(Proto.PipelineResult.Succeeded, secondDone.Result);
    }

    [Fact]
    public async Task Rerun_DoesNotRecreateWhatIsApplied()
    {
        var created = await Api.CreateAsync("rerun", GraphChart.Name, "dev");
        var first = await Api.WaitAsync(created.Pipeline.Id);

        var rerun = await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = created.Project.Id });
        var second = await Api.WaitAsync(rerun.Pipeline.Id);

        Assert.Equal(Proto.PipelineTrigger.Manual, second.Trigger);
        Assert.All(second.Nodes, n => Assert.Equal("updated", n.StackJob.Operations.Single(o => o.Kind == Proto.StackJobOperationKind.Apply).Message));
        Assert.Equal(
            first.Nodes.Select(n => n.StackJob.Outputs.Fields["id"].StringValue),
            second.Nodes.Select(n => n.StackJob.Outputs.Fields["id"].StringValue));
    }

    [Fact]
    public async Task ListPipelines_AcrossProjects_IsNewestFirstAndPages()
    {
        var first = await Api.CreateAsync("listed-first", GraphChart.Name, "dev");
        var second = await Api.CreateAsync("listed-second", GraphChart.Name, "dev");
        await Task.WhenAll(Api.WaitAsync(first.Pipeline.Id), Api.WaitAsync(second.Pipeline.Id));

        var page1 = await Api.Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { PageSize = 1 });
        var page2 = await Api.Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { PageSize = 1, PageToken = page1.NextPageToken });
        var all = await Api.Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { PageSize = 500 });

        var times = all.Pipelines.Select(p => p.CreateTime.ToDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.Equal(all.Pipelines[0].Id, page1.Pipelines.Single().Id);
        Assert.Equal(all.Pipelines[1].Id, page2.Pipelines.Single().Id);
        var positions = all.Pipelines.Select(p => p.Id).ToList();
        Assert.True(positions.IndexOf(second.Pipeline.Id) < positions.IndexOf(first.Pipeline.Id));
    }

    private static bool Overlap(Proto.StackJob x, Proto.StackJob y) =>
        x.StartTime.ToDateTimeOffset() < y.EndTime.ToDateTimeOffset() && y.StartTime.ToDateTimeOffset() < x.EndTime.ToDateTimeOffset();
}
