using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class ExecProvisionerPipelineTests : IAsyncLifetime
{
    private readonly string _scripts = Directory.CreateTempSubdirectory("infragrpc-exec-routes-").FullName;
    private ServerHost _server = null!;

    public async Task InitializeAsync()
    {
        var script = Path.Combine(_scripts, "provision.sh");
        await File.WriteAllTextAsync(script, """
            set -e
            manifest=$(cat)
            echo "$INFRA_OPERATION $INFRA_RESOURCE_KIND/$INFRA_RESOURCE_NAME"
            if [ "$INFRA_OPERATION" = apply ]; then
              printf '{"url": "https://%s.example", "spec": %s}' "$INFRA_RESOURCE_NAME" "$(printf '%s' "$manifest" | sed -E 's/.*"spec":(\{.*\})\}$/\1/')" > "$INFRA_OUTPUTS_FILE"
            fi
            """);
        _server = await ServerHost.StartAsync(
            null,
            "--InfraGrpc:Simulated:Latency=00:00:00",
            "--InfraGrpc:Exec:Routes:0:Kinds=Exec*",
            "--InfraGrpc:Exec:Routes:0:Command=/bin/bash",
            $"--InfraGrpc:Exec:Routes:0:Arguments:0={script}",
            "--InfraGrpc:Exec:Routes:0:Timeout=00:00:30");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_scripts, recursive: true);
    }

    [Fact]
    public async Task RoutedKinds_RunTheCommand_AndTheirOutputsFeedReferences()
    {
        var api = new Clients(_server.Channel);
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: exec-chart}\nspec: {version: 1.0.0}\n"));
        files.Files.Add(Charts.File("templates/a.yaml", """
            apiVersion: x.io/v1
            kind: ExecApi
            metadata: {name: api}
            ---
            apiVersion: x.io/v1
            kind: ExecFrontend
            metadata: {name: web}
            spec:
              backend: {valueFrom: {kind: ExecApi, name: api, fieldPath: status.outputs.url}}
            ---
            apiVersion: x.io/v1
            kind: SimulatedThing
            metadata: {name: other}
            """));

        var created = await api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "exec", Org = "acme", ChartFiles = files });
        var done = await api.WaitAsync(created.Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
        var nodes = done.Nodes.ToDictionary(n => n.Resource.Name, n => n.StackJob);
        Assert.Equal("exec", nodes["api"].Provisioner);
        Assert.Equal("simulated", nodes["other"].Provisioner);
        Assert.Equal("https://web.example", nodes["web"].Outputs.Fields["url"].StringValue);
        Assert.Equal("https://api.example", nodes["web"].Outputs.Fields["spec"].StructValue.Fields["backend"].StringValue);
        using var logs = api.Pipelines.StreamStackJobLogs(new Proto.StreamStackJobLogsRequest { PipelineId = done.Id, NodeKey = "ExecApi/api" });
        var lines = await logs.ResponseStream.ReadAllAsync().Select(r => r.Line).ToListAsync();
        Assert.Contains(lines, l => l.Stream == Proto.LogStream.Stdout && l.Text == "apply ExecApi/api");
    }
}
