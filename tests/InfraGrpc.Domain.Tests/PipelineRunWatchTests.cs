using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Tests;

public sealed class PipelineRunWatchTests
{
    [Fact]
    public void SlowWatcher_Overflows_ThenResyncsWithASnapshotAndFollowsInOrder()
    {
        var run = NewRun();
        var (backlog, watcher) = run.Watch(afterSequence: 0);
        var key = new ResourceKey("Thing", "a");

        // The watcher reads nothing while 3,000 changes happen: far beyond its buffer.
        for (var i = 0; i < 3000; i++)
        {
            run.UpdateNode(key, j => j with { LogLineCount = j.LogLineCount + 1 });
        }

        Assert.Single(backlog);
        Assert.True(watcher.Overflowed);
        var snapshot = run.Resync(watcher);
        run.UpdateNode(key, j => j with { Reason = "after the resync" });

        Assert.Equal(PipelineEventKind.Snapshot, snapshot.Kind);
        Assert.Equal(3000, snapshot.Sequence);
        Assert.Equal(3000, snapshot.Snapshot!.Nodes.Single().Job.LogLineCount);
        Assert.False(watcher.Overflowed);
        Assert.True(watcher.Reader.TryRead(out var next));
        Assert.Equal(3001, next.Sequence);
        Assert.Equal("after the resync", next.Node!.Job.Reason);
        Assert.False(watcher.Reader.TryRead(out _));
    }

    [Fact]
    public void Watch_AfterASequence_ReplaysOnlyWhatWasMissed()
    {
        var run = NewRun();
        var key = new ResourceKey("Thing", "a");
        for (var i = 0; i < 5; i++)
        {
            run.UpdateNode(key, j => j with { LogLineCount = i });
        }

        var (backlog, _) = run.Watch(afterSequence: 3);

        Assert.Equal([4L, 5L], backlog.Select(e => e.Sequence));
    }

    [Fact]
    public void Change_BeforeItIsStored_IsInvisibleToWatchersAndReaders()
    {
        var stored = new List<PipelineEvent>();
        var run = new PipelineRun(NewRun().Snapshot, TimeProvider.System, (_, e, _, _, _) =>
        {
            if (e is not null)
            {
                stored.Add(e);
            }
        });
        var (_, watcher) = run.Watch(afterSequence: 0);
        var key = new ResourceKey("Thing", "a");

        run.UpdateNode(key, j => j with { Status = RunStatus.Running });
        run.UpdateNode(key, j => j with { Status = RunStatus.Completed, Result = RunResult.Succeeded });

        Assert.False(watcher.Reader.TryRead(out _));
        Assert.Equal(0, run.Published.LastSequence);
        Assert.Equal(2, run.Snapshot.LastSequence);

        run.MarkStored(stored[0].Sequence);

        Assert.True(watcher.Reader.TryRead(out var first));
        Assert.Equal(1, first.Sequence);
        Assert.False(watcher.Reader.TryRead(out _));
        Assert.Equal(RunStatus.Running, run.Published.Nodes.Single().Job.Status);
        Assert.Equal(RunStatus.Running, run.StateAfter(1).Nodes.Single().Job.Status);
        Assert.Equal(RunStatus.Completed, run.StateAfter(2).Nodes.Single().Job.Status);
    }

    [Fact]
    public void TerminalEvent_CompletesEveryWatcher()
    {
        var run = NewRun();
        var (_, watcher) = run.Watch(afterSequence: 0);

        run.UpdateStatus(RunStatus.Completed, RunResult.Succeeded, null, terminal: true);

        Assert.True(watcher.Reader.TryRead(out var last));
        Assert.True(last.Terminal);
        Assert.True(watcher.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void Replay_BringsAStaleDocumentUpToDateFromTheEvents()
    {
        var events = new List<PipelineEvent>();
        var stale = NewRun().Snapshot;
        var run = new PipelineRun(stale, TimeProvider.System, (_, e, _, _, _) =>
        {
            if (e is not null)
            {
                events.Add(e);
            }
        });
        var key = new ResourceKey("Thing", "a");
        run.UpdateNode(key, j => j with { Status = RunStatus.Completed, Result = RunResult.Succeeded });
        run.UpdateStatus(RunStatus.Completed, RunResult.Succeeded, "done", terminal: true);

        var replayed = PipelineReplay.Apply(stale, events);

        Assert.Equal(run.Snapshot.LastSequence, replayed.LastSequence);
        Assert.Equal(RunResult.Succeeded, replayed.Nodes.Single().Job.Result);
        Assert.Equal(RunStatus.Completed, replayed.Status);
        Assert.Equal("done", replayed.Reason);
    }

    private static PipelineRun NewRun()
    {
        var job = new StackJob(RunStatus.Queued, RunResult.None, null, null, null, [], null, "simulated", false, 0);
        var pipeline = new Pipeline(
            "p1", "project", "acme/x", 1, PipelineOperation.Deploy, PipelineTrigger.Manual, "tester", null, RunStatus.Running, RunResult.None, null,
            DateTimeOffset.UnixEpoch, null, null, [], [new PipelineNode(new ResourceKey("Thing", "a"), [], job)], [], 0, 4, false, null);
        // A store that stores at once: each change becomes visible as soon as it is made.
        return new PipelineRun(pipeline, TimeProvider.System, (run, e, _, _, _) =>
        {
            if (e is not null)
            {
                run.MarkStored(e.Sequence);
            }
        });
    }
}
