using System.Text;
using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// Issue 13: a sensitive parameter's value reaches the provisioner in clear, and nothing else: no response,
/// revision, diff, log line, error, stored document or file in the data directory holds it.
/// </summary>
public sealed class SensitiveParameterTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("infragrpc-sensitive-").FullName;
    private ServerHost _server = null!;

    private Clients Api => new(_server.Channel);

    public async Task InitializeAsync()
    {
        // The provisioner keeps what it received (to prove it got the secret) and prints it (to prove logs redact it).
        await File.WriteAllTextAsync(Path.Combine(_work, "db.sh"), $$"""
            manifest=$(cat)
            printf '%s\n' "$manifest" >> {{_work}}/received.json
            echo "connecting with $manifest"
            printf '{"dsn": %s}' "$(printf '%s' "$manifest" | sed -E 's/.*"password":("[^"]*").*/\1/')" > "$INFRA_OUTPUTS_FILE"
            """);
        _server = await ServerHost.StartAsync(
            null,
            "--InfraGrpc:Simulated:Latency=00:00:00",
            "--InfraGrpc:Exec:Routes:0:Kinds=ExecDb",
            "--InfraGrpc:Exec:Routes:0:Command=/bin/bash",
            $"--InfraGrpc:Exec:Routes:0:Arguments:0={Path.Combine(_work, "db.sh")}");
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: with-secret}\nspec: {version: 1.0.0}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n  - {name: domain, value: a.io}\n  - {name: db_password, sensitive: true, required: true}\n"));
        files.Files.Add(Charts.File("templates/db.yaml", "apiVersion: x.io/v1\nkind: ExecDb\nmetadata: {name: db}\nspec:\n  password: {{values.db_password}}\n  domain: {{values.domain}}\n---\napiVersion: x.io/v1\nkind: Thing\nmetadata: {name: app}\nspec:\n  dsn: \"postgres://app:{{values.db_password}}@db\"\n"));
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = files });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_server.DataDirectory, recursive: true);
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task ASensitiveValue_ReachesOnlyTheProvisioner()
    {
        var (first, second, third) = ("first-" + Guid.NewGuid().ToString("N"), "second-" + Guid.NewGuid().ToString("N"), "third-" + Guid.NewGuid().ToString("N"));
        var seen = new StringBuilder();
        var created = await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = "secretive",
            Org = "acme",
            Chart = new Proto.ChartReference { Name = "with-secret" },
            Values = new Proto.ValuesInput { Set = { "db_password=" + first } },
        });
        seen.Append(created);
        var id = created.Project.Id;
        var pipelines = new List<string> { created.Pipeline.Id };
        await Api.WaitAsync(created.Pipeline.Id);
        var changed = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, ValuesPatch = new Proto.ValuesInput { Set = { "db_password=" + second } } });
        seen.Append(changed);
        pipelines.Add(changed.Pipeline.Id);
        await Api.WaitAsync(changed.Pipeline.Id);
        var domainOnly = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, ValuesPatch = new Proto.ValuesInput { Set = { "domain=b.io" } } });
        seen.Append(domainOnly);
        pipelines.Add(domainOnly.Pipeline.Id);
        var last = await Api.WaitAsync(domainOnly.Pipeline.Id);
        var unchanged = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, ValuesPatch = new Proto.ValuesInput { Set = { "db_password=" + second } } });
        var refused = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () =>
            await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, ValuesPatch = new Proto.ValuesInput { Set = { $"db_password={third}\nkind: Evil" } } }));

        seen.Append(await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = id }));
        seen.Append(await Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = id, IncludeManifests = true }));
        var diff = await Api.Projects.DiffProjectRevisionsAsync(new Proto.DiffProjectRevisionsRequest { Project = id, FromRevision = 1, ToRevision = 2 });
        seen.Append(diff);
        seen.Append(await Api.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = id }));
        seen.Append(await Api.Projects.PreviewProjectAsync(new Proto.PreviewProjectRequest { Update = new Proto.UpdateProjectRequest { Project = id, ValuesPatch = new Proto.ValuesInput { Set = { "domain=c.io" } } } }));
        seen.Append(refused.Status.Detail).Append(refused.Trailers);
        var rendered = await Api.Charts.RenderChartAsync(new Proto.RenderChartRequest { Reference = new Proto.ChartReference { Name = "with-secret" }, Values = new Proto.ValuesInput { Set = { "db_password=" + third } } });
        seen.Append(rendered);
        foreach (var pipeline in pipelines)
        {
            var done = await Api.Pipelines.GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = pipeline });
            seen.Append(done);
            using var watch = Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipeline, FromStart = true });
            await foreach (var e in watch.ResponseStream.ReadAllAsync())
            {
                seen.Append(e);
            }

            foreach (var node in done.Pipeline.Nodes)
            {
                using var logs = Api.Pipelines.StreamStackJobLogs(new Proto.StreamStackJobLogsRequest { PipelineId = pipeline, NodeKey = node.Key });
                await foreach (var line in logs.ResponseStream.ReadAllAsync())
                {
                    seen.Append(line.Line.Text).Append('\n');
                }
            }
        }

        var received = await File.ReadAllTextAsync(Path.Combine(_work, "received.json"));
        Assert.Contains(first, received, StringComparison.Ordinal);
        Assert.Contains(second, received, StringComparison.Ordinal);
        Assert.Equal(Proto.PipelineResult.Succeeded, last.Result);
        Assert.Contains("\"password\":\"" + second + "\"", received.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
        Assert.Null(unchanged.Pipeline);
        var passwordChange = Assert.Single(diff.Diff.Values, v => v.Key == "db_password");
        Assert.Equal(Proto.ChangeType.Changed, passwordChange.Change);
        Assert.StartsWith("(sensitive ", passwordChange.NewValue.StringValue, StringComparison.Ordinal);
        Assert.Contains("(sensitive)", seen.ToString(), StringComparison.Ordinal);
        Assert.Contains("(sensitive:db_password)", rendered.ToString(), StringComparison.Ordinal);
        foreach (var secret in new[] { first, second, third })
        {
            Assert.DoesNotContain(secret, seen.ToString(), StringComparison.Ordinal);
            var needle = Encoding.UTF8.GetBytes(secret);
            foreach (var file in Directory.EnumerateFiles(_server.DataDirectory, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                Assert.True(copy.ToArray().AsSpan().IndexOf(needle) < 0, $"{file} holds a sensitive value in clear");
            }
        }
    }

    [Fact]
    public async Task ASensitiveParameter_MustBeAStringWithoutADefault()
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: bad-secret}\nspec: {version: 1.0.0}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n  - {name: token, sensitive: true, value: in-the-clear}\n"));
        files.Files.Add(Charts.File("templates/a.yaml", "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a}\nspec: {t: {{values.token}} }\n"));

        var violations = await RpcAssert.InvalidArgumentAsync(async () => await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = files }));

        Assert.Contains(violations, v => v.Field.EndsWith(".sensitive", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Description.Contains("in-the-clear", StringComparison.Ordinal));
    }
}
