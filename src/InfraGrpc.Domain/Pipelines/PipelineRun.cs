using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// The live state of one pipeline while it is queued or running. Every change goes through
/// <see cref="Change"/> under one lock: it gets the next sequence number and is handed to the persister.
/// Durable before visible: watchers, log streams and reads (<see cref="Published"/>) see a change only
/// once the persister has stored it (<see cref="MarkStored"/>), so a sequence number that anyone saw
/// keeps its meaning after a crash. The engine itself works on the current state (<see cref="Snapshot"/>).
/// </summary>
#pragma warning disable CA1001 // See _cancel: the only disposable field needs no disposal.
internal sealed class PipelineRun
{
    private const int SubscriberCapacity = 1024;
    private readonly Lock _gate = new();
    private readonly List<PipelineEvent> _events = [];
    private readonly Queue<(PipelineEvent Event, Pipeline State)> _unstored = new();
    private readonly Dictionary<ResourceKey, List<LogLine>> _logs = [];
    private readonly Dictionary<ResourceKey, int> _logCounts = [];
    private readonly Dictionary<(ResourceKey, OperationKind), OperationLog> _operationLogs = [];
    private readonly List<(ResourceKey Node, PipelineSubscription<LogLine> Subscription)> _logWatchers = [];
    private readonly Action<PipelineRun, PipelineEvent?, (string, LogLine)?, Projects.ProjectResource?, InventoryChange?> _persist;
    private readonly TimeProvider _clock;
    private Pipeline _state;
    private Pipeline _published;

    // Replaced, never changed, under the lock: MarkStored offers to the array it read without holding the lock.
    private PipelineSubscription<PipelineEvent>[] _watchers = [];

    public PipelineRun(Pipeline initial, TimeProvider clock, Action<PipelineRun, PipelineEvent?, (string, LogLine)?, Projects.ProjectResource?, InventoryChange?> persist)
    {
        _state = initial;
        _published = initial;
        _clock = clock;
        _persist = persist;
    }

    public string Id => _state.Id;

    public string ProjectId => _state.ProjectId;

    public string? CancelRequestedBy { get; private set; }

    /// <summary>The lease this replica holds the pipeline by, when replicas share the store; its token goes with every batch.</summary>
    public PipelineLease? Lease { get; init; }

    /// <summary>Set once another replica holds the pipeline: this run stores and publishes nothing more.</summary>
    public bool Lost { get; private set; }

    /// <summary>The last event stored before this run took the pipeline up (0 for a run that started it): memory holds only what came after.</summary>
    public long ResumedAfter { get; init; }

    /// <summary>Gate decisions and cancel requests from other replicas already applied to this run.</summary>
    public HashSet<long> AppliedCommands { get; } = [];

#pragma warning disable CA2213 // Never disposed on purpose: a cancel may race the run's retirement, and a source without a timer holds nothing to free.
    private readonly CancellationTokenSource _cancel = new();
#pragma warning restore CA2213

    /// <summary>The reason given with the cancel request, if any.</summary>
    public string? CancelReason { get; private set; }

    /// <summary>What a pipeline cancelled on request says: who, and why when a reason was given.</summary>
    public string CancelledText => CancelReason is null ? $"cancelled by {CancelRequestedBy}" : $"cancelled by {CancelRequestedBy}: {CancelReason}";

    public System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<(bool Approved, string Actor)>> GateDecisions { get; } = new(StringComparer.Ordinal);

    /// <summary>The current state, stored or not: what the engine decides on.</summary>
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

    /// <summary>The state as of the last stored event: what readers and watchers are shown.</summary>
    public Pipeline Published
    {
        get
        {
            lock (_gate)
            {
                return _published;
            }
        }
    }

    public DateTimeOffset Now => DateTimeOffset.FromUnixTimeMilliseconds(_clock.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>Applies a change to the state and hands the event describing it (and the resource record it reports, if any) to the persister.</summary>
    public void Change(Func<Pipeline, Pipeline> update, Func<Pipeline, long, DateTimeOffset, PipelineEvent> describe, Projects.ProjectResource? resource = null, InventoryChange? inventory = null)
    {
        lock (_gate)
        {
            var sequence = _state.LastSequence + 1;
            _state = update(_state) with { LastSequence = sequence };
            var e = describe(_state, sequence, Now);
            _unstored.Enqueue((e, _state));
            _persist(this, e, null, resource, inventory);
        }
    }

    /// <summary>The state right after event <paramref name="sequence"/> (the document stored with that event).</summary>
    public Pipeline StateAfter(long sequence)
    {
        lock (_gate)
        {
            foreach (var (e, state) in _unstored)
            {
                if (e.Sequence == sequence)
                {
                    return state;
                }
            }

            return sequence <= _published.LastSequence ? _published : _state;
        }
    }

    /// <summary>
    /// Called by the persister (one caller at a time) once the events up to <paramref name="sequence"/> are
    /// stored: they become visible. The state changes under the lock; the watchers are handed the events
    /// after it, so a pipeline with hundreds of watchers never holds up the engine. A watcher that subscribes
    /// in between gets an event twice (in its backlog and its buffer) and skips it by sequence.
    /// </summary>
    public void MarkStored(long sequence)
    {
        List<PipelineEvent> published = [];
        PipelineSubscription<PipelineEvent>[] watchers;
        lock (_gate)
        {
            while (_unstored.TryPeek(out var next) && next.Event.Sequence <= sequence)
            {
                _unstored.Dequeue();
                var (e, state) = next;
                _events.Add(e);
                _published = state;
                published.Add(e);

                // A node's log lines are stored before the event that completes it, so its log
                // streams end only once every line is visible.
                if (e.Terminal || e.Node is { Job.Status: RunStatus.Completed })
                {
                    foreach (var (node, logWatcher) in _logWatchers.Where(w => e.Terminal || w.Node == e.Node!.Key).ToList())
                    {
                        logWatcher.Complete();
                        _logWatchers.Remove((node, logWatcher));
                    }
                }
            }

            watchers = _watchers;
        }

        Telemetry.InfraTelemetry.EventsPublished.Add(published.Count);
        foreach (var e in published)
        {
            foreach (var watcher in watchers)
            {
                watcher.Offer(e);
                if (e.Terminal)
                {
                    watcher.Complete();
                }
            }
        }
    }

    /// <summary>Called by the persister once a log line is stored: it becomes visible to log streams.</summary>
    public void MarkLogStored(LogLine line)
    {
        lock (_gate)
        {
            if (!_logs.TryGetValue(line.Node, out var lines))
            {
                _logs[line.Node] = lines = [];
            }

            lines.Add(line);
            foreach (var (watchedNode, subscription) in _logWatchers)
            {
                if (watchedNode == line.Node)
                {
                    subscription.Offer(line);
                }
            }
        }
    }

    /// <summary>Changes a node; <paramref name="resource"/> is the resource record the change reports, stored in the same transaction as its event.</summary>
    public void UpdateNode(ResourceKey key, Func<StackJob, StackJob> update, Projects.ProjectResource? resource = null, InventoryChange? inventory = null)
    {
        StackJob? before = null;
        Change(
            p => p with
            {
                Nodes = p.Nodes.Select(n =>
                {
                    if (n.Key != key)
                    {
                        return n;
                    }

                    before = n.Job;
                    return n with { Job = update(n.Job) };
                }).ToList(),
            },
            (p, seq, time) =>
            {
                var node = p.Nodes.First(n => n.Key == key);
                return new PipelineEvent(p.Id, seq, time, PipelineEventKind.NodeChanged, false, Node: node) { NodeChange = NodeChanges.Classify(before!, node.Job) };
            },
            resource,
            inventory);
    }

    public void UpdateStage(StageKind kind, Func<Stage, Stage> update) => Change(
        p => p with { Stages = p.Stages.Select(s => s.Kind == kind ? update(s) : s).ToList() },
        (p, seq, time) => new PipelineEvent(p.Id, seq, time, PipelineEventKind.StageChanged, false, Stage: p.Stages.First(s => s.Kind == kind)));

    public void UpdateStatus(RunStatus status, RunResult result, string? reason, bool terminal = false, bool projectDeleted = false)
    {
        ChangeStatus(status, result, reason, terminal, projectDeleted);
        if (terminal)
        {
            // Counted before the terminal event is stored, so whoever sees the end also sees it in the metrics.
            Telemetry.InfraTelemetry.RecordCompleted(_state);
        }
    }

    private void ChangeStatus(RunStatus status, RunResult result, string? reason, bool terminal, bool projectDeleted) => Change(
        p => p with
        {
            Status = status,
            Result = result,
            Reason = reason ?? p.Reason,
            StartedAt = p.StartedAt ?? (status == RunStatus.Running ? Now : null),
            EndedAt = status == RunStatus.Completed ? Now : p.EndedAt,
            CancelledBy = CancelRequestedBy ?? p.CancelledBy,
        },
        (p, seq, time) => new PipelineEvent(p.Id, seq, time, PipelineEventKind.PipelineChanged, terminal, PipelineStatus: (p.Status, p.Result, p.Reason)) { ProjectDeleted = projectDeleted });

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

    public void RequestCancel(string actor, string? reason = null)
    {
        lock (_gate)
        {
            if (CancelRequestedBy is null)
            {
                CancelRequestedBy = actor;
                CancelReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            }
        }

        // Outside the lock: the callbacks kill running operations' processes.
        _cancel.Cancel();
    }

    /// <summary>Cancelled when the pipeline is cancelled: running external operations stop (in-process ones finish).</summary>
    public CancellationToken Cancelled => _cancel.Token;

    /// <summary>
    /// Writes one line of an operation's output. An operation keeps its first <see cref="LogLimits.HeadLines"/>
    /// lines as they come and, past them, only its last <see cref="LogLimits.TailLines"/> (at most
    /// <see cref="LogLimits.TailCharacters"/> characters), written when it ends (<see cref="EndOperationLog"/>) after a line that
    /// says how much was dropped. Lines longer than <see cref="LogLimits.LineCharacters"/> are clipped.
    /// </summary>
    /// <summary>The clear values of the pipeline's sensitive parameters: every log line and output is redacted of them.</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; set; } = new Dictionary<string, string>();

    public void Log(ResourceKey node, OperationKind operation, LogSource source, string text)
    {
        lock (_gate)
        {
            text = LogLimits.Clip(Secrets.Count == 0 ? text : Projects.SensitiveValues.Redact(text, Secrets));
            if (!_operationLogs.TryGetValue((node, operation), out var log))
            {
                _operationLogs[(node, operation)] = log = new OperationLog();
            }

            log.Lines++;
            if (log.Lines <= LogLimits.HeadLines)
            {
                WriteLine(node, operation, source, text);
                return;
            }

            if (log.Lines == LogLimits.HeadLines + 1)
            {
                WriteLine(node, operation, LogSource.System, $"output past {LogLimits.HeadLines:N0} lines: only the last {LogLimits.TailLines:N0} are kept, written when the operation ends");
            }

            log.Tail.Enqueue((source, text));
            log.TailBytes += text.Length;
            while (log.Tail.Count > LogLimits.TailLines || log.TailBytes > LogLimits.TailCharacters)
            {
                var (_, dropped) = log.Tail.Dequeue();
                log.TailBytes -= dropped.Length;
                log.DroppedLines++;
                log.DroppedCharacters += dropped.Length;
            }
        }
    }

    /// <summary>Writes what an operation kept of its output past the head: how much was dropped, then its last lines.</summary>
    public void EndOperationLog(ResourceKey node, OperationKind operation)
    {
        lock (_gate)
        {
            if (!_operationLogs.Remove((node, operation), out var log) || log.Tail.Count == 0)
            {
                return;
            }

            if (log.DroppedLines > 0)
            {
                WriteLine(node, operation, LogSource.System, $"… {log.DroppedLines:N0} lines ({log.DroppedCharacters:N0} characters) of this operation's output were dropped; its last {log.Tail.Count:N0} lines follow");
            }

            foreach (var (source, text) in log.Tail)
            {
                WriteLine(node, operation, source, text);
            }
        }
    }

    private void WriteLine(ResourceKey node, OperationKind operation, LogSource source, string text)
    {
        var count = _logCounts.GetValueOrDefault(node) + 1;
        _logCounts[node] = count;
        _persist(this, null, (Id, new LogLine(count, Now, node, operation, source, text)), null, null);
    }

    private sealed class OperationLog
    {
        public long Lines { get; set; }

        public Queue<(LogSource Source, string Text)> Tail { get; } = new();

        public long TailBytes { get; set; }

        public long DroppedLines { get; set; }

        public long DroppedCharacters { get; set; }
    }

    public int LogCount(ResourceKey node)
    {
        lock (_gate)
        {
            return _logCounts.GetValueOrDefault(node);
        }
    }

    /// <summary>Subscribes a watcher and a live buffer, atomically; the backlog is a snapshot when <paramref name="afterSequence"/> is 0 (unless <paramref name="replay"/>), else the events after it.</summary>
    public (IReadOnlyList<PipelineEvent> Backlog, PipelineSubscription<PipelineEvent> Subscription) Watch(long afterSequence, bool replay = false)
    {
        lock (_gate)
        {
            var subscription = new PipelineSubscription<PipelineEvent>(SubscriberCapacity);
            IReadOnlyList<PipelineEvent> backlog = afterSequence == 0 && !replay
                ? [SnapshotEvent()]
                : _events.Where(e => e.Sequence > afterSequence).ToList();
            if (_published.IsCompleted)
            {
                subscription.Complete();
            }
            else
            {
                _watchers = [.. _watchers, subscription];
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
            _watchers = Array.FindAll(_watchers, w => w != subscription);
        }
    }

    public (IReadOnlyList<LogLine> Backlog, PipelineSubscription<LogLine>? Subscription) WatchLogs(ResourceKey node, long afterSequence, bool follow)
    {
        lock (_gate)
        {
            var backlog = _logs.TryGetValue(node, out var lines) ? lines.Where(l => l.Sequence > afterSequence).ToList() : [];
            var done = _published.IsCompleted || _published.Nodes.FirstOrDefault(n => n.Key == node)?.Job.Status == RunStatus.Completed;
            if (!follow || done)
            {
                return (backlog, null);
            }

            var subscription = new PipelineSubscription<LogLine>(SubscriberCapacity * 4);
            _logWatchers.Add((node, subscription));
            return (backlog, subscription);
        }
    }

    public void UnwatchLogs(PipelineSubscription<LogLine> subscription)
    {
        lock (_gate)
        {
            _logWatchers.RemoveAll(w => w.Subscription == subscription);
        }
    }

    /// <summary>
    /// Another replica holds the pipeline now: this run stops (as if cancelled, though nothing of that is stored)
    /// and its watchers are released, to follow the pipeline from the store.
    /// </summary>
    public void LoseLease()
    {
        PipelineSubscription<PipelineEvent>[] watchers;
        lock (_gate)
        {
            if (Lost)
            {
                return;
            }

            Lost = true;
            watchers = _watchers;
            _watchers = [];
            foreach (var (_, logWatcher) in _logWatchers)
            {
                logWatcher.Complete();
            }

            _logWatchers.Clear();
        }

        foreach (var watcher in watchers)
        {
            watcher.Complete();
        }

        RequestCancel("replica lease lost");
        foreach (var decision in GateDecisions.Values)
        {
            decision.TrySetResult((false, "replica lease lost"));
        }
    }

    /// <summary>A node taken over mid-run: its next log line continues after the <paramref name="stored"/> lines already stored.</summary>
    public void ContinueLogs(ResourceKey node, int stored)
    {
        lock (_gate)
        {
            _logCounts[node] = stored;
        }
    }

    private PipelineEvent SnapshotEvent() =>
        new(_published.Id, _published.LastSequence, Now, PipelineEventKind.Snapshot, _published.IsCompleted, Snapshot: _published);
}
