using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// The live state of one pipeline while it is queued or running. Every change goes through
/// <see cref="Change"/> under one lock: it gets the next sequence number, is kept in memory for watchers
/// that resume, is offered to every subscriber without waiting, and is handed to the persister.
/// </summary>
internal sealed class PipelineRun
{
    private const int SubscriberCapacity = 1024;
    private readonly Lock _gate = new();
    private readonly List<PipelineEvent> _events = [];
    private readonly Dictionary<ResourceKey, List<LogLine>> _logs = [];
    private readonly List<PipelineSubscription<PipelineEvent>> _watchers = [];
    private readonly List<(ResourceKey Node, PipelineSubscription<LogLine> Subscription)> _logWatchers = [];
    private readonly Action<PipelineRun, PipelineEvent?, (string, LogLine)?> _persist;
    private readonly TimeProvider _clock;
    private Pipeline _state;

    public PipelineRun(Pipeline initial, TimeProvider clock, Action<PipelineRun, PipelineEvent?, (string, LogLine)?> persist)
    {
        _state = initial;
        _clock = clock;
        _persist = persist;
    }

    public string Id => _state.Id;

    public string ProjectId => _state.ProjectId;

    public string? CancelRequestedBy { get; private set; }

    public System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<(bool Approved, string Actor)>> GateDecisions { get; } = new(StringComparer.Ordinal);

    public Pipeline Snapshot
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public DateTimeOffset Now => DateTimeOffset.FromUnixTimeMilliseconds(_clock.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>Applies a change to the state and publishes the event describing it.</summary>
    public void Change(Func<Pipeline, Pipeline> update, Func<Pipeline, long, DateTimeOffset, PipelineEvent> describe)
    {
        lock (_gate)
        {
            var sequence = _state.LastSequence + 1;
            _state = update(_state) with { LastSequence = sequence };
            var e = describe(_state, sequence, Now);
            _events.Add(e);
            foreach (var watcher in _watchers)
            {
                watcher.Offer(e);
                if (e.Terminal)
                {
                    watcher.Complete();
                }
            }

            if (e.Terminal)
            {
                foreach (var (_, logWatcher) in _logWatchers)
                {
                    logWatcher.Complete();
                }
            }

            _persist(this, e, null);
        }
    }

    public void UpdateNode(ResourceKey key, Func<StackJob, StackJob> update) => Change(
        p => p with { Nodes = p.Nodes.Select(n => n.Key == key ? n with { Job = update(n.Job) } : n).ToList() },
        (p, seq, time) => new PipelineEvent(p.Id, seq, time, PipelineEventKind.NodeChanged, false, Node: p.Nodes.First(n => n.Key == key)));

    public void UpdateStage(StageKind kind, Func<Stage, Stage> update) => Change(
        p => p with { Stages = p.Stages.Select(s => s.Kind == kind ? update(s) : s).ToList() },
        (p, seq, time) => new PipelineEvent(p.Id, seq, time, PipelineEventKind.StageChanged, false, Stage: p.Stages.First(s => s.Kind == kind)));

    public void UpdateStatus(RunStatus status, RunResult result, string? reason, bool terminal = false) => Change(
        p => p with
        {
            Status = status,
            Result = result,
            Reason = reason ?? p.Reason,
            StartedAt = p.StartedAt ?? (status == RunStatus.Running ? Now : null),
            EndedAt = status == RunStatus.Completed ? Now : p.EndedAt,
            CancelledBy = CancelRequestedBy ?? p.CancelledBy,
        },
        (p, seq, time) => new PipelineEvent(p.Id, seq, time, PipelineEventKind.PipelineChanged, terminal, PipelineStatus: (p.Status, p.Result, p.Reason)));

    public void UpsertGate(Gate gate) => Change(
        p => p with { Gates = p.Gates.Where(g => g.Id != gate.Id).Append(gate).ToList() },
        (p, seq, time) => new PipelineEvent(p.Id, seq, time, PipelineEventKind.GateChanged, false, Gate: gate));

    /// <summary>Back to RUNNING once no gate is pending (atomically with the check).</summary>
    public void ResumeIfNoGatePending()
    {
        lock (_gate)
        {
            if (_state.Status == RunStatus.AwaitingApproval && !_state.Gates.Any(g => g.State == GateState.Pending))
            {
                UpdateStatus(RunStatus.Running, RunResult.None, null);
            }
        }
    }

    public void RequestCancel(string actor)
    {
        lock (_gate)
        {
            CancelRequestedBy ??= actor;
        }
    }

    public void Log(ResourceKey node, OperationKind operation, LogSource source, string text)
    {
        lock (_gate)
        {
            if (!_logs.TryGetValue(node, out var lines))
            {
                _logs[node] = lines = [];
            }

            var line = new LogLine(lines.Count + 1, Now, node, operation, source, text);
            lines.Add(line);
            foreach (var (watchedNode, subscription) in _logWatchers)
            {
                if (watchedNode == node)
                {
                    subscription.Offer(line);
                }
            }

            _persist(this, null, (Id, line));
        }
    }

    public int LogCount(ResourceKey node)
    {
        lock (_gate)
        {
            return _logs.TryGetValue(node, out var lines) ? lines.Count : 0;
        }
    }

    /// <summary>Subscribes a watcher: a snapshot (or the events after <paramref name="afterSequence"/>) and a live buffer, atomically.</summary>
    public (IReadOnlyList<PipelineEvent> Backlog, PipelineSubscription<PipelineEvent> Subscription) Watch(long afterSequence)
    {
        lock (_gate)
        {
            var subscription = new PipelineSubscription<PipelineEvent>(SubscriberCapacity);
            IReadOnlyList<PipelineEvent> backlog = afterSequence == 0
                ? [SnapshotEvent()]
                : _events.Where(e => e.Sequence > afterSequence).ToList();
            if (_state.IsCompleted)
            {
                subscription.Complete();
            }
            else
            {
                _watchers.Add(subscription);
            }

            return (backlog, subscription);
        }
    }

    /// <summary>Clears an overflowed watcher and hands it a fresh snapshot; later events follow it in order.</summary>
    public PipelineEvent Resync(PipelineSubscription<PipelineEvent> subscription)
    {
        lock (_gate)
        {
            subscription.Drain();
            subscription.Overflowed = false;
            return SnapshotEvent();
        }
    }

    public void Unwatch(PipelineSubscription<PipelineEvent> subscription)
    {
        lock (_gate)
        {
            _watchers.Remove(subscription);
        }
    }

    public (IReadOnlyList<LogLine> Backlog, PipelineSubscription<LogLine>? Subscription) WatchLogs(ResourceKey node, long afterSequence, bool follow)
    {
        lock (_gate)
        {
            var backlog = _logs.TryGetValue(node, out var lines) ? lines.Where(l => l.Sequence > afterSequence).ToList() : [];
            var done = _state.IsCompleted || _state.Nodes.FirstOrDefault(n => n.Key == node)?.Job.Status == RunStatus.Completed;
            if (!follow || done)
            {
                return (backlog, null);
            }

            var subscription = new PipelineSubscription<LogLine>(SubscriberCapacity * 4);
            _logWatchers.Add((node, subscription));
            return (backlog, subscription);
        }
    }

    public void EndLogWatch(ResourceKey node)
    {
        lock (_gate)
        {
            foreach (var (_, subscription) in _logWatchers.Where(w => w.Node == node).ToList())
            {
                subscription.Complete();
            }

            _logWatchers.RemoveAll(w => w.Node == node);
        }
    }

    public void UnwatchLogs(PipelineSubscription<LogLine> subscription)
    {
        lock (_gate)
        {
            _logWatchers.RemoveAll(w => w.Subscription == subscription);
        }
    }

    private PipelineEvent SnapshotEvent() =>
        new(_state.Id, _state.LastSequence, Now, PipelineEventKind.Snapshot, _state.IsCompleted, Snapshot: _state);
}
