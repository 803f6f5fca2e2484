using System.Text.Json;
using InfraGrpc.Server.Tests;

namespace InfraGrpc.Cli.Tests;

public sealed class ChartCommandTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string Charts => Path.Combine(ServerHost.RepositoryRoot, "charts");

    [Fact]
    public async Task ChartRender_LocalFolderWithSet_PrintsManifestsThenTheGraph()
    {
        var result = await CliRunner.RunAsync(server.Host, "chart", "render", Path.Combine(Charts, "aws-ecs-environment"), "--set", "httpsEnabled=false", "--env", "qa");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("kind: AwsEcsService", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("AwsCertManagerCert", result.Out, StringComparison.Ordinal);
        Assert.Contains("#   AwsEcsService/web <- ", result.Out, StringComparison.Ordinal);
        Assert.Contains("name: qa-vpc", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChartRender_ValuesFilesAndJsonOutput_LaterFilesWin()
    {
        var first = await WriteTempAsync("domain: first.io\naliases: [www, docs]\n");
        var second = await WriteTempAsync("domain: second.io\n");

        var result = await CliRunner.RunAsync(server.Host, "chart", "render", "static-website", "-f", first, "-f", second, "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("second.io", json.RootElement.GetProperty("resolvedValues").GetProperty("domain").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("resources").EnumerateArray().Count(r => r.GetProperty("kind").GetString() == "AwsRoute53DnsRecord"));
    }

    [Fact]
    public async Task ChartLint_PlantonFixture_PassesWithoutAVersion()
    {
        var result = await CliRunner.RunAsync(server.Host, "chart", "lint", Path.Combine(ServerHost.RepositoryRoot, "tests", "fixtures", "charts", "civo-kubernetes-environment"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ok, 5 resources", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChartLint_BadValues_ExitsTwoListingEveryViolation()
    {
        var result = await CliRunner.RunAsync(server.Host, "chart", "lint", Path.Combine(Charts, "aws-ecs-environment"), "--set", "size=huge", "--set", "nope=1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("- values.size:", result.Error, StringComparison.Ordinal);
        Assert.Contains("- values.nope:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChartPush_ThenVersionsShowAndList_SeeIt()
    {
        var folder = Directory.CreateTempSubdirectory("cli-chart-").FullName;
        var chart = Path.Combine(folder, "cli-pushed");
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        await File.WriteAllTextAsync(Path.Combine(chart, "Chart.yaml"), "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: cli-pushed}\nspec: {version: 0.2.0, displayName: Pushed From CLI}\n");
        await File.WriteAllTextAsync(Path.Combine(chart, "values.yaml"), "params:\n  - {name: replicas, type: number, value: 2}\n");
        await File.WriteAllTextAsync(Path.Combine(chart, "templates", "a.yaml"), "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t}\nspec: {replicas: {{values.replicas}} }\n");

        var push = await CliRunner.RunAsync(server.Host, "chart", "push", chart);
        var again = await CliRunner.RunAsync(server.Host, "chart", "push", chart);
        var versions = await CliRunner.RunAsync(server.Host, "chart", "versions", "cli-pushed");
        var show = await CliRunner.RunAsync(server.Host, "chart", "show", "cli-pushed@0.2.0", "-o", "yaml");
        var list = await CliRunner.RunAsync(server.Host, "chart", "list", "Pushed From");

        Assert.StartsWith("published cli-pushed@0.2.0", push.Out, StringComparison.Ordinal);
        Assert.StartsWith("already published cli-pushed@0.2.0", again.Out, StringComparison.Ordinal);
        Assert.Contains("0.2.0", versions.Out, StringComparison.Ordinal);
        Assert.Contains("name: replicas", show.Out, StringComparison.Ordinal);
        Assert.Contains("cli-pushed", list.Out, StringComparison.Ordinal);
        Assert.All(new[] { push, again, versions, show, list }, r => Assert.Equal(0, r.ExitCode));
    }

    [Fact]
    public async Task UnknownCommandOrMissingArgument_ExitsTwo()
    {
        var unknown = await CliRunner.RunAsync(server.Host, "chart", "frobnicate");
        var missing = await CliRunner.RunAsync(server.Host, "chart", "render");
        var badOutput = await CliRunner.RunAsync(server.Host, "chart", "list", "-o", "xml");

        Assert.All(new[] { unknown, missing, badOutput }, r => Assert.Equal(2, r.ExitCode));
    }

    [Fact]
    public async Task MissingValuesFile_ExitsTwoNamingIt()
    {
        var result = await CliRunner.RunAsync(server.Host, "chart", "render", "static-website", "-f", "/nonexistent/values.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/values.yaml", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownProject_ExitsTwoNamingIt()
    {
        var result = await CliRunner.RunAsync(server.Host, "get", "infra-project", "prod-eu");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("project 'default/prod-eu' not found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_ReadsTheServerFromTheEnvironment()
    {
        var result = await CliRunner.RunProcessAsync(
            new Dictionary<string, string> { ["INFRAGRPC_SERVER"] = server.Host.GrpcAddress.ToString() },
            "chart", "list", "static", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("static-website", json.RootElement.GetProperty("charts")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Binary_UnreachableServer_ExitsOne_NamingTheAddressAndHowToPointElsewhere()
    {
        var result = await CliRunner.RunProcessAsync(new Dictionary<string, string>(), "--server", "http://127.0.0.1:1", "chart", "list");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot reach the InfraGrpc server at http://127.0.0.1:1", line, StringComparison.Ordinal);
        Assert.Contains("--server URL or INFRAGRPC_SERVER", line, StringComparison.Ordinal);
    }

    private static async Task<string> WriteTempAsync(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("cli-values-").FullName, "values.yaml");
        await File.WriteAllTextAsync(path, text);
        return path;
    }
}
