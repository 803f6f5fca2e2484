using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// Issue 12, finding 3: an exec operation ends when its command exits, at its timeout, or when its
/// pipeline is cancelled; and then nothing it started is left running, even a child started with setsid.
/// </summary>
public sealed class ExecProcessGroupTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("infragrpc-exec-groups-").FullName;
    private ServerHost _server = null!;

    private Clients Api => new(_server.Channel);

    public async Task InitializeAsync()
    {
        // Each script writes the pids it leaves behind to $work/<name>.pids, then says "started".
        await File.WriteAllTextAsync(Path.Combine(_work, "background.sh"), $$"""
            sleep 120 &
            echo $! >> {{_work}}/$INFRA_RESOURCE_NAME.pids
            echo started
            exit 0
            """);
        await File.WriteAllTextAsync(Path.Combine(_work, "hang.sh"), $$"""
            setsid sleep 120 &
            echo $! >> {{_work}}/$INFRA_RESOURCE_NAME.pids
            sleep 120 &
            echo $! >> {{_work}}/$INFRA_RESOURCE_NAME.pids
            echo started
            wait
            """);
        _server = await ServerHost.StartAsync(
            null,
            "--InfraGrpc:Simulated:Latency=00:00:00",
            "--InfraGrpc:Exec:Routes:0:Kinds=Background*",
            "--InfraGrpc:Exec:Routes:0:Command=/bin/bash",
            $"--InfraGrpc:Exec:Routes:0:Arguments:0={Path.Combine(_work, "background.sh")}",
            "--InfraGrpc:Exec:Routes:0:Timeout=00:01:00",
            "--InfraGrpc:Exec:Routes:1:Kinds=Hang*",
            "--InfraGrpc:Exec:Routes:1:Command=/bin/bash",
            $"--InfraGrpc:Exec:Routes:1:Arguments:0={Path.Combine(_work, "hang.sh")}",
            "--InfraGrpc:Exec:Routes:1:Timeout=00:00:03",
            "--InfraGrpc:Exec:Routes:2:Kinds=Cancel*",
            "--InfraGrpc:Exec:Routes:2:Command=/bin/bash",
            $"--InfraGrpc:Exec:Routes:2:Arguments:0={Path.Combine(_work, "hang.sh")}",
            "--InfraGrpc:Exec:Routes:2:Timeout=00:10:00",
            "--InfraGrpc:Exec:Routes:3:Kinds=Chatty*",
            "--InfraGrpc:Exec:Routes:3:Command=/usr/bin/seq",
            "--InfraGrpc:Exec:Routes:3:Arguments:0=1",
            "--InfraGrpc:Exec:Routes:3:Arguments:1=30000",
            "--InfraGrpc:Exec:Routes:3:Timeout=00:01:00");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task ACommandThatExits_EndsItsOperation_AndItsBackgroundChildIsKilled()
    {
        var done = await RunAsync("BackgroundJob", "bg");

        Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
        AssertAllDead("bg");
    }

    [Fact]
    public async Task ATimeout_FailsTheOperation_AndKillsEveryProcessItStarted_EvenADetachedOne()
    {
        var done = await RunAsync("HangJob", "hang");

        Assert.Equal(Proto.PipelineResult.Failed, done.Result);
        Assert.Contains("timed out after 3 s; the operation's processes were killed", done.Nodes.Single().StackJob.Reason, StringComparison.Ordinal);
        AssertAllDead("hang");
    }

    [Fact]
    public async Task CancellingThePipeline_StopsTheRunningOperation_AndKillsItsProcesses()
    {
        var created = await Api.Projects.CreateProjectAsync(Project("CancelJob", "stop"));
        await StartedAsync(created.Pipeline.Id, "CancelJob/stop");

        await Api.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = created.Pipeline.Id, Reason = "wrong change" });
        var done = await Api.WaitAsync(created.Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Cancelled, done.Result);
        var job = done.Nodes.Single().StackJob;
        Assert.Equal(Proto.PipelineResult.Cancelled, job.Result);
        Assert.StartsWith("cancelled by anonymous: wrong change; refresh was stopped", job.Reason, StringComparison.Ordinal);
        AssertAllDead("stop");
    }

    [Fact]
    public async Task AFloodOfOutput_IsCappedPerOperation_KeepingItsHeadAndTail()
    {
        var done = await RunAsync("ChattyJob", "chatty");
        using var logs = Api.Pipelines.StreamStackJobLogs(new Proto.StreamStackJobLogsRequest { PipelineId = done.Id, NodeKey = "ChattyJob/chatty" });
        var lines = await logs.ResponseStream.ReadAllAsync().Select(r => r.Line).ToListAsync();
        var apply = lines.Where(l => l.Operation == Proto.StackJobOperationKind.Apply).ToList();

        Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
        Assert.True(apply.Count < 6_100, $"{apply.Count} apply lines kept");
        Assert.Contains(apply, l => l.Stream == Proto.LogStream.System && l.Text.Contains("lines (", StringComparison.Ordinal) && l.Text.Contains("were dropped", StringComparison.Ordinal));
        Assert.Equal("1", apply.First(l => l.Stream == Proto.LogStream.Stdout).Text);
        Assert.Equal("30000", apply[^1].Text);
    }

    private async Task<Proto.Pipeline> RunAsync(string kind, string name)
    {
        var created = await Api.Projects.CreateProjectAsync(Project(kind, name));
        return await Api.WaitAsync(created.Pipeline.Id, TimeSpan.FromMinutes(1));
    }

    private static Proto.CreateProjectRequest Project(string kind, string name)
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: exec-{name}}}\nspec: {{version: 1.0.0}}\n"));
        files.Files.Add(Charts.File("templates/a.yaml", $"apiVersion: x.io/v1\nkind: {kind}\nmetadata: {{name: {name}}}\n"));
        return new Proto.CreateProjectRequest { Name = "exec-" + name, Org = "acme", ChartFiles = files };
    }

    // Waits for the script's "started" line (the first operation is refresh).
    private async Task StartedAsync(string pipelineId, string node)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var logs = Api.Pipelines.StreamStackJobLogs(new Proto.StreamStackJobLogsRequest { PipelineId = pipelineId, NodeKey = node, Follow = true }, cancellationToken: cancellation.Token);
        await foreach (var line in logs.ResponseStream.ReadAllAsync(cancellation.Token))
        {
            if (line.Line.Text == "started")
            {
                return;
            }
        }

        throw new Xunit.Sdk.XunitException("the script never said started");
    }

    private void AssertAllDead(string name)
    {
        var pids = File.ReadAllLines(Path.Combine(_work, name + ".pids")).Where(l => l.Length > 0).Select(int.Parse).ToList();
        Assert.NotEmpty(pids);
        Assert.All(pids, pid => Assert.False(IsAlive(pid), $"process {pid} outlived its operation"));
    }

    // Dead, or a zombie waiting for its (re)parent to reap it.
    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
