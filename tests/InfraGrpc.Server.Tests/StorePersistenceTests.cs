using Google.Protobuf;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class StorePersistenceTests
{
    [Fact]
    public async Task PublishedChart_IsThereAfterTheServerRestartsOnTheSameDirectory()
    {
        string directory;
        string digest;
        await using (var first = await ServerHost.StartAsync())
        {
            directory = first.DataDirectory;
            var published = await new Proto.InfraChartService.InfraChartServiceClient(first.Channel)
                .PublishChartAsync(new Proto.PublishChartRequest { Files = Charts.Files("persisted", "2.0.0") });
            digest = published.Chart.Digest;
        }

        await using var second = await ServerHost.StartAsync(directory);
        var chart = await new Proto.InfraChartService.InfraChartServiceClient(second.Channel)
            .GetChartAsync(new Proto.GetChartRequest { Name = "persisted" });

        Assert.Equal("2.0.0", chart.Chart.Version);
        Assert.Equal(digest, chart.Chart.Digest);
        Assert.Contains(chart.Chart.Files, f => f.Path == "templates/thing.yaml");
    }
}

/// <summary>Small charts for end-to-end tests.</summary>
internal static class Charts
{
    public static Proto.ChartFiles Files(string name, string version, string? template = null, string? values = null, string displayName = "Test Chart")
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(File("Chart.yaml", $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: {name}}}\nspec: {{version: {version}, displayName: {displayName}, description: made by a test}}\n"));
        files.Files.Add(File("values.yaml", values ?? "params:\n  - {name: size, type: string_enum, enum_values: [small, large], value: small}\n"));
        files.Files.Add(File("templates/thing.yaml", template ?? "apiVersion: test.infragrpc.dev/v1\nkind: Thing\nmetadata: {name: {{project.name}}-thing}\nspec: {size: {{values.size}} }\n"));
        return files;
    }

    public static Proto.ChartFile File(string path, string text) => new() { Path = path, Content = ByteString.CopyFromUtf8(text) };
}
