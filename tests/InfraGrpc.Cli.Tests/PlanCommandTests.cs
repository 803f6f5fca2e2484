using InfraGrpc.Server.Tests;

namespace InfraGrpc.Cli.Tests;

/// <summary>Issue 12: the CLI shows the destroys a change makes before they happen, like a Terraform plan.</summary>
public sealed class PlanCommandTests(LifecycleServerFixture server) : IClassFixture<LifecycleServerFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("infractl-plan-").FullName;

    [Fact]
    public async Task UpdateDryRun_ShowsThePlan_ThenTheUpdateDestroysWhatLeft()
    {
        var before = Write("before.yaml", "things:\n  - {name: vpc, uses: '', env: ''}\n  - {name: app, uses: vpc, env: ''}\n  - {name: blog, uses: vpc, env: ''}\n");
        var after = Write("after.yaml", "things:\n  - {name: vpc, uses: '', env: ''}\n  - {name: app, uses: vpc, env: ''}\n");
        var install = await CliRunner.RunAsync(server.Host, "chart", "install", "cli-plan", LifecycleChart.Name, "-f", before);

        var dryRun = await CliRunner.RunAsync(server.Host, "infra-project", "update", "cli-plan", "-f", after, "--dry-run");
        var unchanged = await CliRunner.RunAsync(server.Host, "get", "infra-project", "cli-plan", "-o", "json");
        var update = await CliRunner.RunAsync(server.Host, "infra-project", "update", "cli-plan", "-f", after);

        Assert.Equal(0, install.ExitCode);
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains("  - Thing/blog", dryRun.Out, StringComparison.Ordinal);
        Assert.Contains("plan: 0 to create, 0 to update, 1 to destroy, 2 unchanged", dryRun.Out, StringComparison.Ordinal);
        Assert.Contains("\"currentRevision\": 1,", unchanged.Out, StringComparison.Ordinal);
        Assert.Equal(0, update.ExitCode);
        Assert.Contains("plan: 0 to create, 0 to update, 1 to destroy, 2 unchanged", update.Out, StringComparison.Ordinal);
        Assert.Contains("Thing/blog (destroy) Completed Succeeded", update.Out, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
