using Google.Protobuf.WellKnownTypes;
using InfraGrpc.Cli.Commands;
using InfraGrpc.Server.Tests;
using Spectre.Console.Testing;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Tests;

/// <summary>The live view, drawn on Spectre.Console's test console, and Ctrl-C while following.</summary>
public sealed class LiveViewTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>
{
    private static Proto.PipelineNode Node(string key, Proto.PipelineStatus status, Proto.PipelineResult result = Proto.PipelineResult.Unspecified, string reason = "", params string[] producers)
    {
        var node = new Proto.PipelineNode { Key = key, StackJob = new Proto.StackJob { Status = status, Result = result, Reason = reason } };
        node.Producers.Add(producers);
        return node;
    }

    [Fact]
    public void Rows_ComeInDependencyOrder_SayWhatTheyWaitFor_WhatFailed_WhatBlocks_AndHowToApprove()
    {
        var snapshot = new Proto.Pipeline { Id = "p1", ProjectName = "acme/shop", Revision = 3, Status = Proto.PipelineStatus.Running, StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        snapshot.Nodes.Add(Node("App/web", Proto.PipelineStatus.Queued, producers: ["Db/main", "Vpc/net"]));
        snapshot.Nodes.Add(Node("Db/main", Proto.PipelineStatus.Completed, Proto.PipelineResult.Failed, "apply failed: quota", "Vpc/net"));
        snapshot.Nodes.Add(Node("Dns/web", Proto.PipelineStatus.Completed, Proto.PipelineResult.Cancelled, "blocked by Db/main", "App/web"));
        snapshot.Nodes.Add(Node("Vpc/net", Proto.PipelineStatus.Completed, Proto.PipelineResult.Succeeded));
        snapshot.Nodes.Add(Node("Cdn/edge", Proto.PipelineStatus.AwaitingApproval));
        snapshot.Gates.Add(new Proto.ManualGate { Id = "g7", NodeKey = "Cdn/edge", State = Proto.ManualGateState.Pending });
        var view = new PipelineFollower.PipelineView { Width = 30 };
        view.Apply(new Proto.WatchPipelineResponse { Sequence = 9, Snapshot = snapshot });

        var console = new TestConsole().Width(200);
        console.Write(view.Render());
        var text = console.Output;

        var order = new[] { "Cdn/edge", "Vpc/net", "Db/main", "App/web", "Dns/web" }.Select(k => text.IndexOf(k, StringComparison.Ordinal)).ToList();
        Assert.Equal(order.Order(), order);
        Assert.Contains("waits for Db/main", text, StringComparison.Ordinal);
        Assert.Contains("apply failed: quota", text, StringComparison.Ordinal);
        Assert.Contains("blocked by Db/main", text, StringComparison.Ordinal);
        Assert.Contains("infractl pipeline approve p1 --gate g7", text, StringComparison.Ordinal);
        Assert.Contains("infractl pipeline reject p1 --gate g7", text, StringComparison.Ordinal);
        Assert.Contains("…", text, StringComparison.Ordinal); // the title was cut to the 30-column width
        Assert.DoesNotContain("Unspecified", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlC_Detaches_SayingHowToReattach_AndCancelOnInterrupt_CancelsThePipeline()
    {
        var gated = await server.Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = "cli-ctrl-c",
            Chart = new Proto.ChartReference { Name = "web-env" },
            Values = new Proto.ValuesInput { Set = { "domain=c.io" } },
            Controls = new Proto.PipelineControls { RequireApproval = true },
        });
        var id = gated.Pipeline.Id;

        var detached = await CliRunner.RunUntilOutputThenInterruptAsync(server.Host, "pipeline", ["pipeline", "watch", id]);
        var stillRunning = (await server.Api.Pipelines.GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = id })).Pipeline;
        var cancelled = await CliRunner.RunUntilOutputThenInterruptAsync(server.Host, "pipeline", ["pipeline", "watch", id, "--cancel-on-interrupt"]);
        var end = await server.Api.WaitAsync(id);

        Assert.Equal(130, detached.ExitCode);
        Assert.Contains($"pipeline {id} is still running; re-attach with `infractl pipeline watch {id}`", detached.Error, StringComparison.Ordinal);
        Assert.NotEqual(Proto.PipelineStatus.Completed, stillRunning.Status);
        Assert.Equal(130, cancelled.ExitCode);
        Assert.Contains("cancelled (--cancel-on-interrupt)", cancelled.Error, StringComparison.Ordinal);
        Assert.Equal(Proto.PipelineResult.Cancelled, end.Result);
    }
}
