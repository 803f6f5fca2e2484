using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class ProjectRevisionTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>
{
    private Clients Api => server.Api;

    [Fact]
    public async Task UpdateProject_ManyConcurrentWritersOnOneBase_OneWinsTheRestAreAborted()
    {
        var created = await Api.CreateAsync("contended", "web-env", "dev", "domain=a.io");

        var attempts = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            try
            {
                var response = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
                {
                    Project = created.Project.Id,
                    BaseRevision = 1,
                    ValuesPatch = new Proto.ValuesInput { Set = { $"replicas={i + 3}" } },
                });
                return (Won: true, Current: response.Revision.Number);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Aborted)
            {
                Assert.Equal("STALE_REVISION", RpcAssert.Info(e).Reason);
                return (Won: false, Current: int.Parse(RpcAssert.Info(e).Metadata["current_revision"], System.Globalization.CultureInfo.InvariantCulture));
            }
        })).ToList();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r.Won);
        Assert.All(results, r => Assert.Equal(2, r.Current));
        var history = await Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = created.Project.Id });
        Assert.Equal([2, 1], history.Revisions.Select(r => r.Number));
    }

    [Fact]
    public async Task UpdateProject_SequentialWritersWithoutBase_KeepEveryRevision()
    {
        var created = await Api.CreateAsync("serial", "web-env", "dev", "domain=a.io");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
        {
            Project = created.Project.Id,
            ValuesPatch = new Proto.ValuesInput { Set = { $"replicas={i + 10}" } },
        }).ResponseAsync));

        var history = await Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = created.Project.Id, PageSize = 100 });
        Assert.Equal(Enumerable.Range(1, 9).Reverse(), history.Revisions.Select(r => r.Number));
        Assert.Equal(8, history.Revisions.Select(r => r.ResolvedValues.Fields["replicas"].NumberValue).Where(v => v >= 10).Distinct().Count());
    }

    [Fact]
    public async Task UpdateProject_ThatChangesNothing_CreatesNoRevisionAndNoPipeline()
    {
        var created = await Api.CreateAsync("unchanged", "web-env", "dev", "domain=a.io");
        await Api.WaitAsync(created.Pipeline.Id);

        var update = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = "acme/unchanged", ValuesPatch = new Proto.ValuesInput { Set = { "domain=a.io" } } });

        Assert.False(update.Changed);
        Assert.Null(update.Revision);
        Assert.Null(update.Pipeline);
        Assert.Single((await Api.Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { Project = "acme/unchanged" })).Pipelines);
    }

    [Fact]
    public async Task CreateProject_RetriedWithTheSameRequestId_ReturnsTheFirstProject()
    {
        var request = new Proto.CreateProjectRequest
        {
            Name = "retried",
            Org = "acme",
            Chart = new Proto.ChartReference { Name = "web-env" },
            Values = new Proto.ValuesInput { Set = { "domain=r.io" } },
            RequestId = "create-retried-1",
        };

        var first = await Api.Projects.CreateProjectAsync(request);
        var second = await Api.Projects.CreateProjectAsync(request);
        var other = await RpcAssert.ThrowsAsync(StatusCode.AlreadyExists, async () => await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest(request) { RequestId = "another" }));

        Assert.Equal(first.Project.Id, second.Project.Id);
        Assert.Equal(1, second.Revision.Number);
        Assert.Equal("PROJECT_EXISTS", RpcAssert.Info(other).Reason);
        Assert.Single((await Api.Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { Project = "acme/retried" })).Pipelines);
    }

    [Fact]
    public async Task PublishingANewChartVersion_DoesNotChangeAnExistingProject()
    {
        var files = FiveEnvironmentStoryTests.StoryChart("1.0.0", null);
        files.Files.Single(f => f.Path == "Chart.yaml").Content = Google.Protobuf.ByteString.CopyFromUtf8("apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: isolated}\nspec: {version: 1.0.0}\n");
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = files });
        var created = await Api.CreateAsync("isolated-project", "isolated", "dev", "domain=i.io");
        var changed = new Proto.ChartFiles(files);
        changed.Files.Single(f => f.Path == "Chart.yaml").Content = Google.Protobuf.ByteString.CopyFromUtf8("apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: isolated}\nspec: {version: 2.0.0}\n");
        changed.Files.Single(f => f.Path == "templates/service.yaml").Content = Google.Protobuf.ByteString.CopyFromUtf8("apiVersion: x.io/v1\nkind: Replaced\nmetadata: {name: r}\n");
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = changed });
        await Api.Charts.DeleteChartVersionAsync(new Proto.DeleteChartVersionRequest { Name = "isolated", Version = "1.0.0" });

        var update = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, ValuesPatch = new Proto.ValuesInput { Set = { "replicas=5" } } });
        var revision = await Api.Projects.GetProjectRevisionAsync(new Proto.GetProjectRevisionRequest { Project = created.Project.Id });

        Assert.Equal("1.0.0", update.Project.Source.Chart.Version);
        Assert.Contains(revision.Revision.Resources, r => r.Kind == "AwsEcsService");
        Assert.DoesNotContain(revision.Revision.Resources, r => r.Kind == "Replaced");
    }

    [Fact]
    public async Task CreateProject_BadInput_ReportsEveryField()
    {
        var violations = await RpcAssert.InvalidArgumentAsync(async () => await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = "Bad Name",
            Org = "Acme!",
            Env = "PROD",
        }));

        Assert.Equal(["env", "name", "org", "source"], violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateProject_BadValues_ReportsEachValue()
    {
        var violations = await RpcAssert.InvalidArgumentAsync(async () => await Api.CreateAsync("bad-values", "web-env", "dev", "replicas=many", "nope=1"));

        Assert.Equal(["values.domain", "values.nope", "values.replicas"], violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateProject_ValidateOnly_StoresNothing()
    {
        var request = new Proto.CreateProjectRequest { Name = "dry-run", Org = "acme", Chart = new Proto.ChartReference { Name = "web-env" }, Values = new Proto.ValuesInput { Set = { "domain=d.io" } }, ValidateOnly = true };

        var response = await Api.Projects.CreateProjectAsync(request);

        Assert.Equal(3, response.Revision.Resources.Count);
        Assert.Null(response.Pipeline);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/dry-run" }));
    }

    [Fact]
    public async Task UnknownProjectsAndRevisions_AreNotFoundOrInvalid()
    {
        var created = await Api.CreateAsync("addressed", "web-env", "dev", "domain=x.io");

        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/ghost" }));
        var violations = await RpcAssert.InvalidArgumentAsync(async () => await Api.Projects.DiffProjectRevisionsAsync(new Proto.DiffProjectRevisionsRequest { Project = created.Project.Id, FromRevision = 7 }));
        Assert.Equal("from_revision", Assert.Single(violations).Field);
        await RpcAssert.ThrowsAsync(StatusCode.Aborted, async () => await Api.Projects.RollbackProjectAsync(new Proto.RollbackProjectRequest { Project = created.Project.Id, ToRevision = 1, BaseRevision = 5 }));
    }

    [Fact]
    public async Task ListProjects_FiltersByEnvChartLabelsAndText_AndPagesStably()
    {
        for (var i = 0; i < 5; i++)
        {
            var request = new Proto.CreateProjectRequest
            {
                Name = $"listed-{i}",
                Org = "listing",
                Env = i % 2 == 0 ? "even" : "odd",
                Chart = new Proto.ChartReference { Name = "web-env" },
                Values = new Proto.ValuesInput { Set = { "domain=l.io" } },
                Controls = new Proto.PipelineControls { DisablePipelines = true },
            };
            request.Labels.Add("tier", i < 2 ? "gold" : "silver");
            await Api.Projects.CreateProjectAsync(request);
        }

        var even = await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "listing", Env = "even" });
        var gold = await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "listing", LabelSelector = "tier=gold" });
        var text = await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "listing", Filter = "TED-3" });
        var names = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "listing", Chart = "web-env", PageSize = 2, PageToken = token });
            names.AddRange(page.Projects.Select(p => p.Name));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(["listed-0", "listed-2", "listed-4"], even.Projects.Select(p => p.Name));
        Assert.Equal(["listed-0", "listed-1"], gold.Projects.Select(p => p.Name));
        Assert.Equal(["listed-3"], text.Projects.Select(p => p.Name));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"listed-{i}"), names);
    }
}
