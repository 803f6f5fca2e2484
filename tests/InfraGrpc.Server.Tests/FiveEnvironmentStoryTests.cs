using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// The story of the Infra Projects issue: five environments from one chart, changed in different ways,
/// then four questions answered from the API alone.
/// </summary>
public sealed class FiveEnvironmentStoryTests : IAsyncLifetime
{
    private ServerHost _server = null!;
    private Clients _api = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerHost.StartAsync(null, "--InfraGrpc:Simulated:Latency=00:00:00", "--InfraGrpc:Tokens:maria=maria-secret-token");
        _api = new Clients(_server.Channel);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task FiveEnvironments_AnswerWhoChangedWhatWhenAndCanGoBack()
    {
        // A chart with a load balancer domain, published in two versions.
        await _api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = StoryChart("1.0.0", extra: null) });
        string[] envs = ["development", "staging", "production-us", "production-eu", "production-asia"];
        foreach (var env in envs)
        {
            var created = await _api.CreateAsync(env, "web-env", env, $"domain={env}.acme.io");
            Assert.Equal(Proto.PipelineResult.Succeeded, (await _api.WaitAsync(created.Pipeline.Id)).Result);
        }

        await _api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = StoryChart("1.1.0", extra: "  - {name: waf, type: bool, value: true}\n") });

        // Maria changes the load balancer domain of production-eu.
        var update = await _api.Projects.UpdateProjectAsync(
            new Proto.UpdateProjectRequest { Project = "acme/production-eu", BaseRevision = 1, ValuesPatch = new Proto.ValuesInput { Set = { "domain=eu.acme.io" } }, Message = "move EU to its own domain" },
            Clients.As("maria-secret-token"));
        await _api.WaitAsync(update.Pipeline.Id);

        // Staging moves to the latest chart.
        var upgrade = await _api.Projects.UpgradeProjectChartAsync(new Proto.UpgradeProjectChartRequest { Project = "acme/staging", Message = "take 1.1.0" });
        await _api.WaitAsync(upgrade.Pipeline.Id);

        // production-asia changes, then goes back to last week's configuration.
        var asiaChange = await _api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = "acme/production-asia", ValuesPatch = new Proto.ValuesInput { Set = { "replicas=9" } } });
        await _api.WaitAsync(asiaChange.Pipeline.Id);
        var rollback = await _api.Projects.RollbackProjectAsync(new Proto.RollbackProjectRequest { Project = "acme/production-asia", ToRevision = 1, Message = "back to last week" });
        Assert.Equal(Proto.PipelineResult.Succeeded, (await _api.WaitAsync(rollback.Pipeline.Id)).Result);

        // 1. Which parameters deployed production-us? The revision its last successful pipeline ran.
        var us = (await _api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/production-us" })).Project;
        var usRevision = await _api.Projects.GetProjectRevisionAsync(new Proto.GetProjectRevisionRequest { Project = us.Id, Number = us.LastPipeline.Revision });
        Assert.Equal(Proto.PipelineResult.Succeeded, us.LastPipeline.Result);
        Assert.Equal("production-us.acme.io", usRevision.Revision.ResolvedValues.Fields["domain"].StringValue);
        Assert.Equal(2, usRevision.Revision.ResolvedValues.Fields["replicas"].NumberValue);

        // 2. Did staging move to the latest chart version?
        var latest = (await _api.Charts.GetChartAsync(new Proto.GetChartRequest { Name = "web-env" })).Chart.Version;
        var staging = (await _api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/staging" })).Project;
        Assert.Equal(latest, staging.Source.Chart.Version);
        var development = (await _api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/development" })).Project;
        Assert.Equal("1.0.0", development.Source.Chart.Version);

        // 3. Who changed the load balancer domain in production-eu, and when?
        var history = await _api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = "acme/production-eu" });
        Proto.ProjectRevision? changer = null;
        foreach (var revision in history.Revisions.Where(r => r.Number > 1))
        {
            var diff = await _api.Projects.DiffProjectRevisionsAsync(new Proto.DiffProjectRevisionsRequest { Project = "acme/production-eu", FromRevision = revision.Number - 1, ToRevision = revision.Number });
            if (diff.Diff.Values.Any(v => v.Key == "domain"))
            {
                changer = revision;
                Assert.Equal("eu.acme.io", diff.Diff.Values.Single(v => v.Key == "domain").NewValue.StringValue);
                Assert.Contains(diff.Diff.Resources, r => r.Resource.Kind == "AwsAlb" && r.UnifiedDiff.Contains("+      - eu.acme.io", StringComparison.Ordinal));
            }
        }

        Assert.NotNull(changer);
        Assert.Equal("maria", changer.Actor);
        Assert.Equal("move EU to its own domain", changer.Message);
        Assert.True(changer.CreateTime.ToDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        // 4. Can production-asia be redeployed with last week's configuration? It was: revision 3 is a copy of revision 1.
        var asia = await _api.Projects.GetProjectRevisionAsync(new Proto.GetProjectRevisionRequest { Project = "acme/production-asia" });
        var first = await _api.Projects.GetProjectRevisionAsync(new Proto.GetProjectRevisionRequest { Project = "acme/production-asia", Number = 1 });
        Assert.Equal(3, asia.Revision.Number);
        Assert.Equal(1, asia.Revision.RolledBackFrom);
        Assert.Equal(Proto.RevisionCause.Rollback, asia.Revision.Cause);
        Assert.Equal(first.Revision.ResolvedValues, asia.Revision.ResolvedValues);
        var resources = await _api.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = "acme/production-asia" });
        Assert.All(resources.Resources, r => Assert.Equal(Proto.ResourceState.Deployed, r.State));
        Assert.All(resources.Resources, r => Assert.Equal(3, r.AppliedRevision));
    }

    internal static Proto.ChartFiles StoryChart(string version, string? extra)
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: web-env}}\nspec: {{version: {version}, displayName: Web Environment}}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n  - {name: domain, required: true}\n  - {name: replicas, type: number, value: 2}\n" + (extra ?? string.Empty)));
        files.Files.Add(Charts.File("templates/network.yaml", """
            apiVersion: aws.project-planton.org/v1
            kind: AwsVpc
            metadata: {name: "{{env}}-vpc"}
            spec: {availabilityZones: [a, b]}
            """));
        files.Files.Add(Charts.File("templates/alb.yaml", """
            apiVersion: aws.project-planton.org/v1
            kind: AwsAlb
            metadata: {name: "{{env}}-alb"}
            spec:
              subnets:
                - valueFrom: {kind: AwsVpc, name: "{{env}}-vpc", fieldPath: "status.outputs.publicSubnets[0].id"}
              dns:
                hostnames:
                  - {{values.domain}}
            """));
        files.Files.Add(Charts.File("templates/service.yaml", """
            apiVersion: aws.project-planton.org/v1
            kind: AwsEcsService
            metadata: {name: web}
            spec:
              replicas: {{values.replicas}}
              lb: {valueFrom: {kind: AwsAlb, name: "{{env}}-alb", fieldPath: status.outputs.loadBalancerArn}}
            """));
        return files;
    }
}
