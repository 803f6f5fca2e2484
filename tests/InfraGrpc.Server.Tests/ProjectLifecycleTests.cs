using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class ProjectLifecycleTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>
{
    private Clients Api => server.Api;

    [Fact]
    public async Task DeleteProject_WhileDeployed_IsRefused_ThenOrphaningIsExplicit()
    {
        var created = await Api.CreateAsync("deployed-delete", "web-env", "dev", "domain=d.io");
        await Api.WaitAsync(created.Pipeline.Id);

        var refused = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, async () =>
            await Api.Projects.DeleteProjectAsync(new Proto.DeleteProjectRequest { Project = created.Project.Id }));
        var orphaned = await Api.Projects.DeleteProjectAsync(new Proto.DeleteProjectRequest { Project = created.Project.Id, OrphanResources = true });

        Assert.Equal("RESOURCES_DEPLOYED", RpcAssert.Info(refused).Reason);
        Assert.Equal(3, orphaned.OrphanedResources.Count);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = created.Project.Id }));
    }

    [Fact]
    public async Task UndeployProject_KeepsTheRecord_AndItCanBeDeployedAgain()
    {
        var created = await Api.CreateAsync("undeployed", "web-env", "dev", "domain=u.io");
        await Api.WaitAsync(created.Pipeline.Id);

        var undeploy = await Api.Projects.UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = created.Project.Id });
        await Api.WaitAsync(undeploy.Pipeline.Id);
        var afterUndeploy = (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = created.Project.Id })).Project;
        var redeploy = await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = created.Project.Id });
        var redeployed = await Api.WaitAsync(redeploy.Pipeline.Id);
        var deleted = await Api.Projects.UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = created.Project.Id });
        await Api.WaitAsync(deleted.Pipeline.Id);
        var nothingLeft = await Api.Projects.DeleteProjectAsync(new Proto.DeleteProjectRequest { Project = created.Project.Id });

        Assert.Equal(Proto.ProjectStatus.Undeployed, afterUndeploy.Status);
        Assert.Equal(Proto.PipelineResult.Succeeded, redeployed.Result);
        Assert.Empty(nothingLeft.OrphanedResources);
    }

    [Fact]
    public async Task PurgeProject_UndeploysThenDeletes()
    {
        var created = await Api.CreateAsync("purged", "web-env", "dev", "domain=p.io");
        await Api.WaitAsync(created.Pipeline.Id);

        var purge = await Api.Projects.PurgeProjectAsync(new Proto.PurgeProjectRequest { Project = created.Project.Id });
        var done = await Api.WaitAsync(purge.Pipeline.Id);

        Assert.Equal(Proto.PipelineOperation.Undeploy, done.Operation);
        Assert.Equal(Proto.PipelineTrigger.Purge, done.Trigger);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/purged" }));
    }

    [Fact]
    public async Task PurgeProject_WhenTheUndeployFails_KeepsTheRecord()
    {
        var files = GraphChart.Files();
        files.Files.Add(Charts.File("templates/stubborn.yaml", "apiVersion: x.io/v1\nkind: Stubborn\nmetadata:\n  name: s\n  annotations: {sim.infragrpc.dev/fail: destroy}\n"));
        var created = await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "stubborn", Org = "acme", ChartFiles = files });
        await Api.WaitAsync(created.Pipeline.Id);

        var purge = await Api.Projects.PurgeProjectAsync(new Proto.PurgeProjectRequest { Project = created.Project.Id });
        var done = await Api.WaitAsync(purge.Pipeline.Id);
        var project = (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = created.Project.Id })).Project;

        Assert.Equal(Proto.PipelineResult.Failed, done.Result);
        Assert.Equal(Proto.ProjectStatus.Failed, project.Status);
        Assert.True(project.Source.Chart.Inline);
    }

    [Fact]
    public async Task BuiltInCharts_AllDeployAndUndeployOnTheSimulatedProvisioner()
    {
        var charts = (await Api.Charts.ListChartsAsync(new Proto.ListChartsRequest())).Charts.Where(c => c.BuiltIn).Select(c => c.Name).ToList();

        var results = await Task.WhenAll(charts.Select(async chart =>
        {
            var created = await Api.CreateAsync("builtin-" + chart, chart, "staging");
            var deployed = await Api.WaitAsync(created.Pipeline.Id);
            var undeploy = await Api.Projects.UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = created.Project.Id });
            var undeployed = await Api.WaitAsync(undeploy.Pipeline.Id);
            return (chart, deployed, undeployed);
        }));

        Assert.True(charts.Count >= 5);
        Assert.All(results, r =>
        {
            Assert.True(r.deployed.Result == Proto.PipelineResult.Succeeded, $"{r.chart}: {r.deployed.Reason}");
            Assert.True(r.undeployed.Result == Proto.PipelineResult.Succeeded, $"{r.chart}: {r.undeployed.Reason}");
        });
    }

    [Fact]
    public async Task ExternalReference_ResolvesAgainstAnotherProjectOfTheOrg_OrFailsTheBuild()
    {
        var consumer = new Proto.ChartFiles();
        consumer.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: consumer}\nspec: {version: 1.0.0}\n"));
        consumer.Files.Add(Charts.File("templates/app.yaml", "apiVersion: x.io/v1\nkind: App\nmetadata: {name: app}\nspec:\n  vpc: {valueFrom: {kind: AwsVpc, name: shared-vpc, fieldPath: status.outputs.vpcId}}\n"));
        var producer = new Proto.ChartFiles();
        producer.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: producer}\nspec: {version: 1.0.0}\n"));
        producer.Files.Add(Charts.File("templates/vpc.yaml", "apiVersion: x.io/v1\nkind: AwsVpc\nmetadata: {name: shared-vpc}\n"));

        var early = await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "consumer-early", Org = "shared", ChartFiles = consumer });
        var failed = await Api.WaitAsync(early.Pipeline.Id);
        var network = await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "network", Org = "shared", ChartFiles = producer });
        await Api.WaitAsync(network.Pipeline.Id);
        var retry = await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = early.Project.Id });
        var succeeded = await Api.WaitAsync(retry.Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Failed, failed.Result);
        Assert.Contains("AwsVpc/shared-vpc", failed.Stages.Single(s => s.Kind == Proto.PipelineStageKind.Build).Reason, StringComparison.Ordinal);
        Assert.Equal(Proto.PipelineResult.Succeeded, succeeded.Result);
    }
}
