using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Issue 12, findings 7 and 8: the smaller contract gaps and what an independent client author stumbled on.</summary>
public sealed class ContractGapTests(LifecycleServerFixture server) : IClassFixture<LifecycleServerFixture>
{
    private Clients Api => server.Api;

    [Fact]
    public async Task UpgradeProjectChart_ToAVersionWithANewRequiredParameter_TakesItsValueInTheSameCall()
    {
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Chart("gap-upgrade", "1.0.0", "  - {name: domain, required: true}\n") });
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Chart("gap-upgrade", "2.0.0", "  - {name: domain, required: true}\n  - {name: region, required: true}\n") });
        var created = await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "upgraded", Org = "gap", Chart = new Proto.ChartReference { Name = "gap-upgrade", Version = "1.0.0" }, Values = new Proto.ValuesInput { Set = { "domain=a.io" } } });
        await Api.WaitAsync(created.Pipeline.Id);

        var missing = await RpcAssert.InvalidArgumentAsync(async () => await Api.Projects.UpgradeProjectChartAsync(new Proto.UpgradeProjectChartRequest { Project = created.Project.Id, Version = "2.0.0" }));
        var upgraded = await Api.Projects.UpgradeProjectChartAsync(new Proto.UpgradeProjectChartRequest { Project = created.Project.Id, Version = "2.0.0", ValuesPatch = new Proto.ValuesInput { Set = { "region=eu" } } });

        Assert.Contains(missing, v => v.Field == "values.region");
        Assert.Equal("2.0.0", upgraded.Revision.Chart.Version);
        Assert.Equal("eu", upgraded.Revision.Values.Fields["region"].StringValue);
        Assert.Equal(Proto.PipelineResult.Succeeded, (await Api.WaitAsync(upgraded.Pipeline.Id)).Result);
    }

    [Fact]
    public async Task DeleteChartVersion_CountsTheProjectsOnIt()
    {
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Chart("gap-delete", "1.0.0", "  - {name: domain, value: x.io}\n") });
        await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "on-version-1", Org = "gap", Chart = new Proto.ChartReference { Name = "gap-delete" } });
        await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "on-version-2", Org = "gap", Chart = new Proto.ChartReference { Name = "gap-delete" } });

        var deleted = await Api.Charts.DeleteChartVersionAsync(new Proto.DeleteChartVersionRequest { Name = "gap-delete", Version = "1.0.0" });

        Assert.Equal(2, deleted.ProjectsUsingVersion);
    }

    [Theory]
    [InlineData("team=a", "a")]
    [InlineData("team = a", "a")]
    [InlineData("team==a", "a")]
    [InlineData("team=a,team=b", "")]
    [InlineData("team!=a", "b none")]
    [InlineData("team in (a, b)", "a b")]
    [InlineData("team notin (a)", "b none")]
    [InlineData("team", "a b")]
    [InlineData("!team", "none")]
    [InlineData(" team , tier=web ", "a")]
    public async Task ListProjects_LabelSelectors_FollowTheKubernetesGrammar(string selector, string expected)
    {
        await EnsureLabelledAsync();

        var listed = await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "sel", LabelSelector = selector });

        Assert.Equal(expected, string.Join(' ', listed.Projects.Select(p => p.Name)));
    }

    [Theory]
    [InlineData("team in a")]
    [InlineData("=a")]
    [InlineData("team=a=b")]
    [InlineData("team notin (a")]
    [InlineData("team=a,")]
    [InlineData("a=b=c,team")]
    [InlineData("team=-bad-")]
    public async Task ListProjects_ASelectorThatDoesNotParse_IsInvalidArgument(string selector)
    {
        var violations = await RpcAssert.InvalidArgumentAsync(async () => await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { LabelSelector = selector }));

        Assert.Equal("label_selector", Assert.Single(violations).Field);
    }

    [Fact]
    public async Task ListProjects_OrdersByOrgThenName()
    {
        await Api.Projects.CreateProjectAsync(LifecycleChart.CreateIn("order-labs", "z", "dev", "a"));
        await Api.Projects.CreateProjectAsync(LifecycleChart.CreateIn("order", "a", "dev", "a"));
        await Api.Projects.CreateProjectAsync(LifecycleChart.CreateIn("order", "b", "dev", "a"));

        var listed = await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Filter = string.Empty, PageSize = 500 });
        var names = listed.Projects.Where(p => p.Org.StartsWith("order", StringComparison.Ordinal)).Select(p => $"{p.Org}/{p.Name}").ToList();

        Assert.Equal(["order/a", "order/b", "order-labs/z"], names);
    }

    [Fact]
    public async Task WatchPipeline_ReplaysFromTheStart_RefusesPastTheEnd_AndSendsTheFinalStateAtTheEnd()
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("watched", "dev", "a", "b>a"));
        var done = await Api.WaitAsync(created.Pipeline.Id);

        var replay = await ReadAsync(new Proto.WatchPipelineRequest { PipelineId = done.Id, FromStart = true });
        var past = await RpcAssert.ThrowsAsync(StatusCode.OutOfRange, async () => await ReadAsync(new Proto.WatchPipelineRequest { PipelineId = done.Id, AfterSequence = done.LastSequence + 1 }));
        var atEnd = await ReadAsync(new Proto.WatchPipelineRequest { PipelineId = done.Id, AfterSequence = done.LastSequence });

        Assert.Equal(1ul, replay[0].Sequence);
        Assert.Equal(Enumerable.Range(1, (int)done.LastSequence).Select(i => (ulong)i), replay.Select(e => e.Sequence));
        Assert.True(replay[^1].Terminal);
        var nodeEvents = replay.Where(e => e.NodeChanged is not null).ToList();
        Assert.All(nodeEvents, e => Assert.NotEqual(Proto.NodeChangeKind.Unspecified, e.NodeChange));
        Assert.Equal(2, nodeEvents.Count(e => e.NodeChange == Proto.NodeChangeKind.Completed));
        Assert.Contains(nodeEvents, e => e.NodeChange == Proto.NodeChangeKind.OperationFinished);
        Assert.Contains(nodeEvents, e => e.NodeChange == Proto.NodeChangeKind.OperationStarted);
        Assert.Equal("OUT_OF_RANGE", RpcAssert.Info(past).Reason);
        var final = Assert.Single(atEnd);
        Assert.True(final.Terminal);
        Assert.Equal(Proto.PipelineResult.Succeeded, final.Snapshot.Result);
    }

    [Fact]
    public async Task ListProjectRevisions_CanIncludeManifests_AndUpdateMaskRefusesUnknownPaths()
    {
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.Create("revisions", "dev", "a"));
        await Api.WaitAsync(created.Pipeline.Id);
        await Api.WaitAsync((await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, Values = LifecycleChart.Values("a", "b") })).Pipeline.Id);

        var listed = await Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = created.Project.Id, IncludeManifests = true });
        var bare = await Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = created.Project.Id });
        var violations = await RpcAssert.InvalidArgumentAsync(async () => await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
        {
            Project = created.Project.Id,
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "controls.require_aproval" } },
        }));

        Assert.Equal([2, 1], listed.Revisions.Select(r => r.Resources.Count));
        Assert.All(bare.Revisions, r => Assert.Empty(r.Resources));
        Assert.Equal("update_mask", Assert.Single(violations).Field);
    }

    private static Proto.ChartFiles Chart(string name, string version, string parameters)
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: {name}}}\nspec: {{version: {version}}}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n" + parameters));
        files.Files.Add(Charts.File("templates/a.yaml", "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: site}\nspec: {domain: {{values.domain}} }\n"));
        return files;
    }

    private static readonly SemaphoreSlim Labelled = new(1, 1);

    private async Task EnsureLabelledAsync()
    {
        await Labelled.WaitAsync();
        try
        {
            if ((await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "sel" })).Projects.Count == 3)
            {
                return;
            }

            foreach (var (name, labels) in new[] { ("a", "team=a,tier=web"), ("b", "team=b"), ("none", string.Empty) })
            {
                var request = LifecycleChart.CreateIn("sel", name, "dev", "a");
                foreach (var pair in labels.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    request.Labels[pair.Split('=')[0]] = pair.Split('=')[1];
                }

                await Api.Projects.CreateProjectAsync(request);
            }
        }
        finally
        {
            Labelled.Release();
        }
    }

    private async Task<List<Proto.WatchPipelineResponse>> ReadAsync(Proto.WatchPipelineRequest request)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = Api.Pipelines.WatchPipeline(request, cancellationToken: cancellation.Token);
        return await call.ResponseStream.ReadAllAsync(cancellation.Token).ToListAsync(cancellation.Token);
    }
}
