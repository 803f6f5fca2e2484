using InfraGrpc.Server.Tests;

namespace InfraGrpc.Cli.Tests;

public sealed class ProjectCommandTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>
{
    [Fact]
    public async Task ChartInstall_FollowsThePipeline_ThenUpdateHistoryDiffAndGetWork()
    {
        var install = await CliRunner.RunAsync(server.Host, "chart", "install", "cli-web", "web-env", "--env", "qa", "--set", "domain=qa.io", "-m", "first");
        var update = await CliRunner.RunAsync(server.Host, "infra-project", "update", "cli-web", "--set", "replicas=4", "-m", "scale out");
        var history = await CliRunner.RunAsync(server.Host, "infra-project", "history", "cli-web");
        var diff = await CliRunner.RunAsync(server.Host, "infra-project", "diff", "cli-web", "1", "2");
        var get = await CliRunner.RunAsync(server.Host, "get", "infra-project", "cli-web", "-o", "json");
        var last = await CliRunner.RunAsync(server.Host, "infra-project", "last-pipeline", "--project", "cli-web");

        Assert.Equal(0, install.ExitCode);
        Assert.Contains("project default/cli-web created at revision 1", install.Out, StringComparison.Ordinal);
        Assert.Contains("pipeline Completed Succeeded", install.Out, StringComparison.Ordinal);
        Assert.Equal(0, update.ExitCode);
        Assert.Contains("scale out", history.Out, StringComparison.Ordinal);
        Assert.Contains("~ replicas: 2 → 4", diff.Out, StringComparison.Ordinal);
        Assert.Contains("-  replicas: 2", diff.Out, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"PROJECT_STATUS_DEPLOYED\"", get.Out, StringComparison.Ordinal);
        Assert.Equal(0, last.ExitCode);
    }

    [Fact]
    public async Task Update_WithEnv_ChecksTheProjectsEnv_AsTheReadmeWritesIt()
    {
        var install = await CliRunner.RunAsync(server.Host, "chart", "install", "cli-env-guard", "web-env", "--env", "prod", "--set", "domain=p.io");
        var right = await CliRunner.RunAsync(server.Host, "infra-project", "update", "cli-env-guard", "--env", "prod", "--set", "replicas=3", "-m", "more tasks");
        var wrong = await CliRunner.RunAsync(server.Host, "infra-project", "update", "cli-env-guard", "--env", "dev", "--set", "replicas=5");
        var project = (await server.Api.Projects.GetProjectAsync(new Contracts.V1.GetProjectRequest { Project = "default/cli-env-guard" })).Project;

        Assert.Equal(0, install.ExitCode);
        Assert.Equal(0, right.ExitCode);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("is in env prod, not dev: nothing was changed", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(2, project.CurrentRevision);
    }

    [Fact]
    public async Task ChartInstall_FromAFolderNamedOtherwise_UsesTheNameInChartYaml()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("cli-any-folder-").FullName, "web");
        Directory.CreateDirectory(Path.Combine(folder, "templates"));
        await File.WriteAllTextAsync(Path.Combine(folder, "Chart.yaml"), "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: web-app}\nspec: {version: 1.0.0}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "templates", "a.yaml"), "apiVersion: x.io/v1\nkind: Thing\nmetadata:\n  name: web-dev-thing\n");

        var result = await CliRunner.RunAsync(server.Host, "chart", "install", "web-dev", folder, "--env", "dev");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("chart web-app@1.0.0 published", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForceDelete_RemovesTheRecordWithoutDestroying_AndNeedsAReason()
    {
        var install = await CliRunner.RunAsync(server.Host, "chart", "install", "cli-forced", "web-env", "--set", "domain=f.io", "--no-wait");
        var noReason = await CliRunner.RunAsync(server.Host, "infra-project", "force-delete", "cli-forced");
        await CliRunner.RunAsync(server.Host, "pipeline", "watch", (await server.Api.Projects.GetProjectAsync(new Contracts.V1.GetProjectRequest { Project = "default/cli-forced" })).Project.LastPipeline.Id);

        var forced = await CliRunner.RunAsync(server.Host, "infra-project", "force-delete", "cli-forced", "--reason", "test of the admin path");
        var get = await CliRunner.RunAsync(server.Host, "get", "infra-project", "cli-forced");

        Assert.Equal(0, install.ExitCode);
        Assert.Equal(2, noReason.ExitCode);
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("removed default/cli-forced", forced.Out, StringComparison.Ordinal);
        Assert.NotEqual(0, get.ExitCode);
    }

    [Fact]
    public async Task ChartInstall_LocalChartWhoseDeployFails_ExitsOne()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("cli-failing-").FullName, "failing-chart");
        Directory.CreateDirectory(Path.Combine(folder, "templates"));
        await File.WriteAllTextAsync(Path.Combine(folder, "Chart.yaml"), "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: failing-chart}\nspec: {version: 1.0.0}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "templates", "a.yaml"), "apiVersion: x.io/v1\nkind: Thing\nmetadata:\n  name: t\n  annotations: {sim.infragrpc.dev/fail: apply}\n");

        var result = await CliRunner.RunAsync(server.Host, "chart", "install", "cli-failing", folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("chart failing-chart@1.0.0 published", result.Error, StringComparison.Ordinal);
        Assert.Contains("Thing/t Completed Failed", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_OnATerminal_DrawsTheNodesTable()
    {
        var result = await CliRunner.RunAsync(server.Host, redirected: false, "chart", "install", "cli-live", "web-env", "--set", "domain=live.io");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("NODE", result.Out, StringComparison.Ordinal);
        Assert.Contains("succeeded", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Unspecified", result.Out, StringComparison.Ordinal);
        // Rows in dependency order: the VPC, then the load balancer that uses it, then the service behind it.
        var last = result.Out[result.Out.LastIndexOf("deploy default/cli-live", StringComparison.Ordinal)..];
        var (vpc, alb, web) = (last.IndexOf("AwsVpc/default-vpc", StringComparison.Ordinal), last.IndexOf("AwsAlb/default-alb", StringComparison.Ordinal), last.IndexOf("AwsEcsService/web", StringComparison.Ordinal));
        Assert.True(vpc >= 0 && vpc < alb && alb < web, last);
        Assert.Matches(@"pipeline succeeded: \d+ succeeded in \d+\.\d s", result.Error);
    }

    [Fact]
    public async Task CreateGit_DeploysTheBranch_GetShowsTheCommitAndWebhookUrl_RunPipelineDeploysACommit()
    {
        using var repo = new GitRepository();
        var first = repo.Commit("first manifests", ("deploy/a.yaml", GitRepository.Thing("a")));
        repo.Commit("second", ("deploy/b.yaml", GitRepository.Thing("b", "a")));

        var create = await CliRunner.RunAsync(server.Host, "infra-project", "create-git", "cli-git", "--repo", repo.Path, "--path", "deploy", "--webhook-secret", "s");
        var get = await CliRunner.RunAsync(server.Host, "get", "infra-project", "cli-git");
        var pinned = await CliRunner.RunAsync(server.Host, "infra-project", "run-pipeline", "cli-git", "--commit", first);

        Assert.Equal(0, create.ExitCode);
        Assert.Contains("second", get.Out, StringComparison.Ordinal);
        Assert.Contains("/webhooks/github", get.Out, StringComparison.Ordinal);
        Assert.Equal(0, pinned.ExitCode);
        Assert.Contains("Thing/a Completed Succeeded", pinned.Out, StringComparison.Ordinal);

        // The pinned commit has no Thing/b: the deploy destroys it, and says so.
        Assert.Contains("Thing/b (destroy) Completed Succeeded", pinned.Out, StringComparison.Ordinal);
    }
}
