using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Tests;

/// <summary>Issue 12, finding 7: one operation's output is capped, keeping the head and the tail and saying how much was dropped.</summary>
public sealed class OperationLogLimitTests
{
    [Fact]
    public void AFloodOfOutput_KeepsTheHeadAndTheTail_AndSaysHowMuchWasDropped()
    {
        var (run, written) = NewRun();
        var node = new ResourceKey("Thing", "a");

        for (var i = 1; i <= 50_000; i++)
        {
            run.Log(node, OperationKind.Apply, LogSource.Stdout, $"line {i}");
        }

        var beforeEnd = written.Count;
        run.EndOperationLog(node, OperationKind.Apply);

        Assert.Equal(LogLimits.HeadLines + 1, beforeEnd);
        Assert.Equal("line 1", written[0].Text);
        Assert.Equal($"line {LogLimits.HeadLines}", written[LogLimits.HeadLines - 1].Text);
        var dropped = written[LogLimits.HeadLines + 1];
        Assert.Equal(LogSource.System, dropped.Source);
        Assert.StartsWith($"… {50_000 - LogLimits.HeadLines - LogLimits.TailLines:N0} lines", dropped.Text, StringComparison.Ordinal);
        Assert.Equal($"line {50_000 - LogLimits.TailLines + 1}", written[LogLimits.HeadLines + 2].Text);
        Assert.Equal("line 50000", written[^1].Text);
        Assert.Equal(LogLimits.HeadLines + 2 + LogLimits.TailLines, written.Count);
        Assert.Equal(Enumerable.Range(1, written.Count).Select(i => (long)i), written.Select(l => l.Sequence));
    }

    [Fact]
    public void LongLinesAndAWideTail_AreBoundedByCharacters()
    {
        var (run, written) = NewRun();
        var node = new ResourceKey("Thing", "a");
        var wide = new string('x', 100_000);

        for (var i = 0; i < LogLimits.HeadLines + 1_000; i++)
        {
            run.Log(node, OperationKind.Refresh, LogSource.Stderr, wide);
        }

        run.EndOperationLog(node, OperationKind.Refresh);

        Assert.All(written, l => Assert.True(l.Text.Length < LogLimits.LineCharacters + 64));
        Assert.Contains("more characters", written[0].Text, StringComparison.Ordinal);
        var tail = written.Skip(LogLimits.HeadLines + 2).ToList();
        Assert.True(tail.Sum(l => (long)l.Text.Length) <= LogLimits.TailCharacters + LogLimits.LineCharacters + 64);
    }

    [Fact]
    public void ShortOutput_IsWrittenAsItComes_AndNothingIsAddedAtTheEnd()
    {
        var (run, written) = NewRun();
        var node = new ResourceKey("Thing", "a");

        run.Log(node, OperationKind.Apply, LogSource.Stdout, "one");
        run.Log(node, OperationKind.Apply, LogSource.Stdout, "two");
        run.EndOperationLog(node, OperationKind.Apply);

        Assert.Equal(["one", "two"], written.Select(l => l.Text));
    }

    private static (PipelineRun Run, List<LogLine> Written) NewRun()
    {
        var job = new StackJob(RunStatus.Queued, RunResult.None, null, null, null, [], null, "simulated", false, 0);
        var pipeline = new Pipeline(
            "p1", "project", "acme/x", 1, PipelineOperation.Deploy, PipelineTrigger.Manual, "tester", null, RunStatus.Running, RunResult.None, null,
            DateTimeOffset.UnixEpoch, null, null, [], [new PipelineNode(new ResourceKey("Thing", "a"), [], job)], [], 0, 4, false, null);
        var written = new List<LogLine>();
        return (new PipelineRun(pipeline, TimeProvider.System, (_, _, log, _, _) =>
        {
            if (log is { } line)
            {
                written.Add(line.Item2);
            }
        }), written);
    }
}
