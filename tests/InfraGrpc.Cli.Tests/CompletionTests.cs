using InfraGrpc.Server.Tests;

namespace InfraGrpc.Cli.Tests;

/// <summary>Shell completion: the scripts, commands from this build, and names from the server.</summary>
public sealed class CompletionTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>
{
    [Theory]
    [InlineData("bash", "complete -o default -F _infractl_complete infractl")]
    [InlineData("zsh", "compdef _infractl_complete infractl")]
    [InlineData("powershell", "Register-ArgumentCompleter -Native -CommandName infractl")]
    public async Task EachShell_GetsAScriptThatAsksInfractl(string shell, string registration)
    {
        var result = await CliRunner.RunAsync(server.Host, "completion", shell);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(registration, result.Out, StringComparison.Ordinal);
        Assert.Contains("[suggest:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandsComeFromTheTree_AndProjectAndChartNamesFromTheServer()
    {
        var install = await CliRunner.RunAsync(server.Host, "chart", "install", "cli-complete-me", "web-env", "--set", "domain=c.io");

        var command = await Suggest("infractl chart ins");
        var project = await Suggest("infractl infra-project history cli-complete");
        var chart = await Suggest("infractl chart show web");

        Assert.Equal(0, install.ExitCode);
        Assert.Contains("install", command);
        Assert.Contains("cli-complete-me", project);
        Assert.Contains("web-env", chart);
    }

    [Fact]
    public async Task InstallingALocalChart_WithAMissingValue_PublishesNothing_AndSaysItOnce()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("cli-invalid-").FullName, "needs-owner");
        Directory.CreateDirectory(Path.Combine(folder, "templates"));
        await File.WriteAllTextAsync(Path.Combine(folder, "Chart.yaml"), "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: needs-owner}\nspec: {version: 1.0.0}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "values.yaml"), "params:\n  - {name: owner, required: true}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "templates", "a.yaml"), "apiVersion: x.io/v1\nkind: Thing\nmetadata:\n  name: owned-by-{{values.owner}}\n");

        var result = await CliRunner.RunAsync(server.Host, "chart", "install", "cli-invalid", folder);
        var versions = await CliRunner.RunAsync(server.Host, "chart", "versions", "needs-owner");

        Assert.Equal(2, result.ExitCode);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.Contains("is required", StringComparison.Ordinal));
        Assert.DoesNotContain("published", result.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, versions.ExitCode); // the chart never reached the catalog
    }

    private async Task<List<string>> Suggest(string line)
    {
        var result = await CliRunner.RunAsync(server.Host, $"[suggest:{line.Length}]", line);
        Assert.Equal(0, result.ExitCode);
        return result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).ToList();
    }
}
