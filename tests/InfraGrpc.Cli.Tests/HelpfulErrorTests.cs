using System.Text.Json;
using InfraGrpc.Server.Tests;

namespace InfraGrpc.Cli.Tests;

/// <summary>Mistakes get suggestions, scripts get JSON, and everyone can ask what versions they run.</summary>
public sealed class HelpfulErrorTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>
{
    [Fact]
    public async Task AMistypedCommand_OrOption_SuggestsTheClosest()
    {
        var command = await CliRunner.RunAsync(server.Host, "chart", "instal", "x", "web-env");
        var option = await CliRunner.RunAsync(server.Host, "whoami", "--outptu", "json");

        Assert.Equal(2, command.ExitCode);
        Assert.Contains("Did you mean 'install'?", command.Error, StringComparison.Ordinal);
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("Did you mean '--output'?", option.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChartOrProjectThatDoesNotExist_SuggestsTheClosestNames()
    {
        var install = await CliRunner.RunAsync(server.Host, "chart", "install", "cli-near", "web-env", "--set", "domain=n.io");
        var chart = await CliRunner.RunAsync(server.Host, "chart", "show", "web-evn");
        var project = await CliRunner.RunAsync(server.Host, "get", "infra-project", "default/cli-naer");

        Assert.Equal(0, install.ExitCode);
        Assert.Equal(2, chart.ExitCode);
        Assert.Contains("did you mean 'web-env'?", chart.Error, StringComparison.Ordinal);
        Assert.Equal(2, project.ExitCode);
        Assert.Contains("did you mean 'default/cli-near'?", project.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineWatch_DashOJson_StreamsOneJsonObjectPerEvent()
    {
        var install = await CliRunner.RunAsync(server.Host, "chart", "install", "cli-json-watch", "web-env", "--set", "domain=j.io", "--no-wait");
        var id = (await server.Api.Projects.GetProjectAsync(new Contracts.V1.GetProjectRequest { Project = "default/cli-json-watch" })).Project.LastPipeline.Id;

        var watch = await CliRunner.RunAsync(server.Host, "-o", "json", "pipeline", "watch", id);

        Assert.Equal(0, install.ExitCode);
        Assert.Equal(0, watch.ExitCode);
        var events = watch.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(events[0].TryGetProperty("snapshot", out _));
        Assert.True(events[^1].GetProperty("terminal").GetBoolean());
        Assert.All(events, e => Assert.True(e.TryGetProperty("sequence", out _)));
    }

    [Fact]
    public async Task Version_PrintsTheClientsAndTheServersVersion()
    {
        var result = await CliRunner.RunAsync(server.Host, "version");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("infractl 0.9.0", result.Out, StringComparison.Ordinal);
        Assert.Contains("server 0.9.0 at ", result.Out, StringComparison.Ordinal);
    }
}
