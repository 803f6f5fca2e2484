using System.Globalization;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Bursts of updates coalesce: queued deploys of superseded revisions complete as SKIPPED; explicit re-runs and undeploys stay.</summary>
public sealed class PipelineCoalescingTests(SlowServerFixture server) : IClassFixture<SlowServerFixture>
{
    private const int Writers = 10;

    private Clients Api => server.Api;

    [Fact]
    public async Task UpdateProject_ManyWritersInABurst_LeaveAtMostOneQueuedDeployAndDeployTheLatestRevision()
    {
        var updates = int.TryParse(Environment.GetEnvironmentVariable("INFRAGRPC_COALESCE_UPDATES"), CultureInfo.InvariantCulture, out var n) ? n : 30;
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = FiveEnvironmentStoryTests.StoryChart("1.0.0", null) });
        var created = await Api.CreateAsync("burst", "web-env", "dev", "domain=b.io");

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < updates; i++)
            {
                await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
                {
                    Project = created.Project.Id,
                    ValuesPatch = new Proto.ValuesInput { Set = { $"replicas={(w * 100_000) + i + 10}" } },
                });
            }
        })));
        var queued = await Api.Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { Project = created.Project.Id, Status = Proto.PipelineStatus.Queued, PageSize = 500 });
        var project = (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = created.Project.Id })).Project;
        var last = await Api.WaitAsync(project.LastPipeline.Id, TimeSpan.FromMinutes(3));
        var all = await AllPipelinesAsync(created.Project.Id);

        Assert.True(queued.Pipelines.Count <= 1, $"{queued.Pipelines.Count} deploys queued");
        Assert.Equal(Proto.PipelineResult.Succeeded, last.Result);
        Assert.Equal(project.CurrentRevision, last.Revision);
        Assert.True((Writers * updates) + 1 == all.Count, $"{all.Count} pipelines for {(Writers * updates) + 1} revisions: " + string.Join(", ", all.GroupBy(p => (p.Status, p.Result)).Select(g => $"{g.Key} {g.Count()}")));
        var skipped = all.Where(p => p.Result == Proto.PipelineResult.Skipped).ToList();
        Assert.NotEmpty(skipped);
        Assert.All(skipped, p => Assert.StartsWith("superseded by revision", p.Reason, StringComparison.Ordinal));
        Assert.All(all.Except(skipped), p => Assert.Equal(Proto.PipelineResult.Succeeded, p.Result));
    }

    [Fact]
    public async Task RunPipeline_ExplicitReRunsAndUndeploys_AreNeverSuperseded()
    {
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = FiveEnvironmentStoryTests.StoryChart("1.0.0", null) });
        var created = await Api.CreateAsync("kept", "web-env", "dev", "domain=k.io");

        var rerun = await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = created.Project.Id });
        var undeploy = await Api.Projects.UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = created.Project.Id });
        var update = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, ValuesPatch = new Proto.ValuesInput { Set = { "replicas=7" } } });
        var results = new List<Proto.Pipeline>();
        foreach (var id in new[] { created.Pipeline.Id, rerun.Pipeline.Id, undeploy.Pipeline.Id, update.Pipeline.Id })
        {
            results.Add(await Api.WaitAsync(id, TimeSpan.FromMinutes(2)));
        }

        Assert.All(results, p => Assert.Equal(Proto.PipelineResult.Succeeded, p.Result));
    }

    private async Task<List<Proto.Pipeline>> AllPipelinesAsync(string project)
    {
        var all = new List<Proto.Pipeline>();
        var token = string.Empty;
        do
        {
            var page = await Api.Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { Project = project, PageSize = 500, PageToken = token });
            all.AddRange(page.Pipelines);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return all;
    }
}
