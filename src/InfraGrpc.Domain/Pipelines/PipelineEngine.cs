using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Projects;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// Starts and queues pipelines (one running per project, the rest FIFO), recovers after a restart, and
/// serves cancel and gate decisions. Execution itself is <see cref="PipelineExecutor"/>; watching is
/// <see cref="PipelineQueries"/>.
/// </summary>
public sealed partial class PipelineEngine(
    IPipelineStore store,
    IProjectStore projects,
    PipelineExecutor executor,
    PipelinePersister persister,
    PipelineEngineOptions options,
    TimeProvider clock,
    Action<Exception> onError,
    IPipelineCoordination? coordination = null) : IPipelineLauncher
{
    public const string RestartReason = "interrupted by server restart";
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PipelineRun> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<PipelineRun>> _queues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal);
    private readonly ReconcilePlanner _planner = new(projects);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _statusLocks = new(StringComparer.Ordinal);

    public async Task<Pipeline> LaunchAsync(PipelineRequest request, CancellationToken cancellationToken = default)
    {
        var project = await projects.GetAsync(request.ProjectId, cancellationToken) ?? throw new NotFoundException("project", request.ProjectId);
        var undeploy = request.Operation == PipelineOperation.Undeploy;
        var fromGit = !undeploy && project.Git is not null && request.Commit is not null;

        // Controls are the project's current policy, whatever revision the pipeline runs.
        var buildOnly = !undeploy && project.Controls.DisableDeployments;
        IReadOnlyList<PipelineNode> nodes = [];
        if (!fromGit)
        {
            // A git deploy learns its nodes in the build stage, from the commit it fetches. The build stage
            // plans again against the records of that moment; this plan is what the request would do now.
            var target = (request.Revision > 0 || undeploy ? await _planner.LoadAsync(project, request.Revision, cancellationToken) : null)
                ?? throw new PreconditionFailedException("NO_REVISION", $"{project.QualifiedName} has no revision {request.Revision} yet; deploy a commit first");
            nodes = (await _planner.PlanAsync(project, target, undeploy, cancellationToken)).Nodes;
        }

        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var (traceId, parentSpanId) = Telemetry.InfraTelemetry.NewPipelineTrace();
        var pipeline = new Pipeline(
            Guid.CreateVersion7().ToString("N"), project.Id, project.QualifiedName, request.Revision, request.Operation, request.Trigger, request.Actor, request.Message,
            RunStatus.Queued, RunResult.None, null, now, null, null,
            [new Stage(StageKind.Build, RunStatus.Queued, RunResult.None, null, null, null), new Stage(StageKind.Deploy, RunStatus.Queued, RunResult.None, null, null, null)],
            nodes, [], 0, Math.Max(1, options.Parallelism), buildOnly, null)
        { RequestedCommit = fromGit ? request.Commit : null, TraceId = traceId, ParentSpanId = parentSpanId };
        await store.InsertAsync(pipeline, cancellationToken);
        // Read your writes: once this call returns, the deploys it superseded read as SKIPPED everywhere.
        if (coordination is not null)
        {
            await QueueSharedAsync(pipeline, cancellationToken);
        }
        else
        {
            await RetireAsync(Enqueue(CreateRun(pipeline)));
        }

        await RefreshStatusAsync(project.Id, null, cancellationToken);
        return pipeline;
    }

    public bool HasActivePipeline(string projectId)
    {
        if (coordination is not null)
        {
            return coordination.HasUnfinished(projectId);
        }

        lock (_gate)
        {
            // A run that reached its terminal event is finishing its bookkeeping; it no longer holds the project.
            var running = _active.Values.Any(r => r.ProjectId == projectId && !r.Snapshot.IsCompleted);
            return running || (_queues.TryGetValue(projectId, out var queue) && queue.Count > 0);
        }
    }

    public Pipeline? PendingPurge(string projectId)
    {
        if (coordination is not null)
        {
            return coordination.PendingPurge(projectId);
        }

        lock (_gate)
        {
            return _active.Values.Where(r => r.ProjectId == projectId && !r.Snapshot.IsCompleted && r.Snapshot.Trigger == PipelineTrigger.Purge)
                .Select(r => r.Published).FirstOrDefault();
        }
    }

    /// <summary>Completes pipelines a crash left running as FAILED, then starts the queued ones in order.</summary>
    public async Task RecoverAsync(CancellationToken cancellationToken = default)
    {
        persister.Start();
        if (coordination is not null)
        {
            // Shared by replicas: what a stopped replica held is taken over, once its lease runs out, and resumed.
            StartShared();
            return;
        }

        foreach (var stored in await store.ListUnfinishedAsync(cancellationToken))
        {
            var pipeline = PipelineReplay.Apply(stored, await store.GetEventsAsync(stored.Id, stored.LastSequence, cancellationToken));
            var run = CreateRun(pipeline);
            if (pipeline.Status == RunStatus.Queued)
            {
                await RetireAsync(Enqueue(run));
                continue;
            }

            if (pipeline.IsCompleted)
            {
                // It finished before the crash; only its document was behind.
                await store.SaveBatchAsync([pipeline], [], [], cancellationToken: cancellationToken);
                continue;
            }

            PipelineExecutor.Interrupt(run, RestartReason);
            await RefreshStatusAsync(pipeline.ProjectId, null, cancellationToken);
        }
    }

    /// <summary>
    /// Asks a pipeline to stop gracefully. A queued pipeline is completed as CANCELLED at once and leaves the
    /// queue; the project's status is stored again before this returns.
    /// </summary>
    /// <exception cref="ValidationException">The reason is longer than 512 characters or holds control characters.</exception>
    public async Task<Pipeline> CancelAsync(string pipelineId, string actor, string? reason = null)
    {
        if (reason is { Length: > 512 } || (reason?.Any(char.IsControl) ?? false))
        {
            throw new ValidationException("reason", "at most 512 characters, without control characters");
        }

        if (coordination is not null && Active(pipelineId) is null)
        {
            return await CancelSharedAsync(pipelineId, actor, reason);
        }

        var run = Active(pipelineId) is { Snapshot.IsCompleted: false } active
            ? active
            : throw new PreconditionFailedException("PIPELINE_NOT_RUNNING", $"pipeline {pipelineId} is not queued or running");
        run.RequestCancel(actor, reason);
        foreach (var decision in run.GateDecisions.Values)
        {
            decision.TrySetResult((false, actor));
        }

        bool dequeued;
        lock (_gate)
        {
            var queue = _queues.GetValueOrDefault(run.ProjectId);
            dequeued = queue is not null && queue.Contains(run);
            if (queue is not null && dequeued)
            {
                var rest = queue.Where(r => r != run).ToList();
                queue.Clear();
                foreach (var kept in rest)
                {
                    queue.Enqueue(kept);
                }
            }
        }

        if (dequeued)
        {
            PipelineExecutor.CancelQueued(run);
            await RetireAsync([run]);
            await RefreshStatusAsync(run.ProjectId, null);
        }

        return run.Published;
    }

    /// <summary>Approves or rejects a pending gate (the only pending one when <paramref name="gateId"/> is empty).</summary>
    public async Task<Gate> ResolveGateAsync(string pipelineId, string? gateId, bool approve, string actor, string? comment, CancellationToken cancellationToken = default)
    {
        if (coordination is not null && Active(pipelineId) is null)
        {
            return await ResolveGateSharedAsync(pipelineId, gateId, approve, actor, comment, cancellationToken);
        }

        var run = Active(pipelineId) is { Snapshot.IsCompleted: false } active
            ? active
            : throw new PreconditionFailedException("PIPELINE_NOT_RUNNING", $"pipeline {pipelineId} is not running");
        return ResolveGate(run, gateId, approve, actor, comment);
    }

    private static Gate ResolveGate(PipelineRun run, string? gateId, bool approve, string actor, string? comment)
    {
        var gate = PendingGate(run.Snapshot, gateId);
        var resolved = gate with { State = approve ? GateState.Approved : GateState.Rejected, ResolvedBy = actor, Comment = comment, ResolvedAt = run.Now };
        run.UpsertGate(resolved);
        if (run.GateDecisions.TryGetValue(gate.Id, out var decision))
        {
            decision.TrySetResult((approve, actor));
        }

        return resolved;
    }

    private static Gate PendingGate(Pipeline pipeline, string? gateId)
    {
        var pending = pipeline.Gates.Where(g => g.State == GateState.Pending).ToList();
        return string.IsNullOrEmpty(gateId)
            ? pending.Count == 1 ? pending[0] : throw new ValidationException("gate_id", pending.Count == 0 ? "no gate is pending" : $"{pending.Count} gates are pending; name one: {string.Join(", ", pending.Select(g => g.Id))}")
            : pending.FirstOrDefault(g => g.Id == gateId) ?? throw new NotFoundException("pending gate", $"{pipeline.Id}/{gateId}");
    }

    internal PipelineRun? Active(string pipelineId)
    {
        lock (_gate)
        {
            // A run whose lease another replica took is no longer this replica's to show.
            return _active.GetValueOrDefault(pipelineId) is { Lost: false } run ? run : null;
        }
    }

    /// <summary>
    /// Stores the project's status as <see cref="ProjectStatusRule"/> derives it, with the newest pipeline as
    /// the last one. <paramref name="finishing"/> is a run about to publish its end with that result: it no
    /// longer counts as active, and its resource records are flushed first.
    /// </summary>
    private async Task RefreshStatusAsync(string projectId, (PipelineRun Run, RunResult Result)? finishing, CancellationToken cancellationToken = default)
    {
        // One refresh at a time per project, each reading the state inside the lock: the last write is
        // always computed from the latest state, so a slow refresh cannot overwrite a newer one.
        var gate = _statusLocks.GetOrAdd(projectId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            if (coordination is null)
            {
                await RefreshStatusLockedAsync(projectId, finishing, cancellationToken);
            }
            else
            {
                // And one replica at a time.
                await using var shared = await coordination.LockProjectStatusAsync(projectId, cancellationToken);
                await RefreshStatusLockedAsync(projectId, finishing, cancellationToken);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task RefreshStatusLockedAsync(string projectId, (PipelineRun Run, RunResult Result)? finishing, CancellationToken cancellationToken)
    {
        await persister.FlushAsync();
        var project = await projects.GetAsync(projectId, cancellationToken);
        if (project is null)
        {
            return;
        }

        bool active;
        if (coordination is not null)
        {
            active = coordination.HasUnfinished(projectId, finishing?.Run.Id);
        }
        else
        {
            lock (_gate)
            {
                active = _active.Values.Any(r => r.ProjectId == projectId && !r.Snapshot.IsCompleted && r != finishing?.Run);
            }
        }

        Pipeline? decisive = null;
        if (finishing is { } f && ProjectStatusRule.IsDecisive(f.Run.Snapshot, f.Result))
        {
            decisive = f.Run.Snapshot with { Result = f.Result };
        }
        else
        {
            var completed = await store.ListAsync(projectId, RunStatus.Completed, null, null, new Paging.PageRequest(20, null), cancellationToken);
            decisive = completed.Items.FirstOrDefault(p => ProjectStatusRule.IsDecisive(p, p.Result));
        }

        var records = await projects.ListResourcesAsync(projectId, cancellationToken);
        var current = project.CurrentRevision == 0 ? null : await _planner.LoadAsync(project, project.CurrentRevision, cancellationToken);
        var inSync = await _planner.InSyncAsync(project, current, records, cancellationToken);
        var status = ProjectStatusRule.Derive(new ProjectStatusInput(active, decisive, records, r => inSync.Contains(r.Key), current?.Resources.Select(r => r.Key).ToList() ?? []));
        var last = await store.GetLastAsync(projectId, cancellationToken);
        await projects.SetStatusAsync(projectId, status, last?.Id, cancellationToken);
    }

    private PipelineRun CreateRun(Pipeline pipeline) => new(pipeline, clock, persister.Enqueue);

    // Superseded runs completed while queued: once their terminal events are stored, reads go to the store.
    private async Task RetireAsync(List<PipelineRun> superseded)
    {
        if (superseded.Count == 0)
        {
            return;
        }

        await persister.FlushAsync();
        lock (_gate)
        {
            foreach (var run in superseded)
            {
                _active.Remove(run.Id);
            }
        }
    }

    private int QueueDepth()
    {
        lock (_gate)
        {
            return _queues.Values.Sum(q => q.Count);
        }
    }

    private List<PipelineRun> Enqueue(PipelineRun run)
    {
        Telemetry.InfraTelemetry.ReportQueue(this, QueueDepth);
        lock (_gate)
        {
            _active[run.Id] = run;
            if (!_queues.TryGetValue(run.ProjectId, out var queue))
            {
                _queues[run.ProjectId] = queue = new Queue<PipelineRun>();
            }

            var superseded = SupersedeLocked(queue, run);
            queue.Enqueue(run);
            StartNextLocked(run.ProjectId);
            return superseded;
        }
    }

    // A deploy makes the automatic deploys still queued before it pointless: they would deploy revisions
    // that are already superseded. They complete as SKIPPED, so a burst of updates leaves at most one
    // queued deploy per project. Explicit re-runs (RunPipeline) and undeploys are never dropped, and no
    // deploy is dropped across a queued undeploy, which must run between them.
    private static List<PipelineRun> SupersedeLocked(Queue<PipelineRun> queue, PipelineRun newer)
    {
        var incoming = newer.Snapshot;
        if (incoming.Operation != PipelineOperation.Deploy || queue.Count == 0)
        {
            return [];
        }

        var queued = queue.ToList();
        var lastUndeploy = queued.FindLastIndex(r => r.Snapshot.Operation != PipelineOperation.Deploy);
        var superseded = queued.Where((r, i) => i > lastUndeploy && r.Snapshot.Trigger != PipelineTrigger.Manual).ToList();
        if (superseded.Count == 0)
        {
            return superseded;
        }

        queue.Clear();
        foreach (var kept in queued.Except(superseded))
        {
            queue.Enqueue(kept);
        }

        foreach (var run in superseded)
        {
            PipelineExecutor.Skip(run, $"superseded by revision {incoming.Revision} (pipeline {incoming.Id})");
        }

        return superseded;
    }

    private void StartNextLocked(string projectId)
    {
        if (_busy.Contains(projectId) || !_queues.TryGetValue(projectId, out var queue) || queue.Count == 0)
        {
            return;
        }

        var run = queue.Dequeue();
        _busy.Add(projectId);
        _ = Task.Run(async () =>
        {
            try
            {
                await executor.ExecuteAsync(run, result => RefreshStatusAsync(run.ProjectId, (run, result)));
            }
#pragma warning disable CA1031 // A bug in one pipeline must not leave it running forever or the project locked.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError(e);
                if (!run.Snapshot.IsCompleted)
                {
                    PipelineExecutor.Interrupt(run, "internal error: " + e.Message);
                    await RefreshStatusAsync(run.ProjectId, null);
                }
            }

            try
            {
                await persister.FlushAsync();
            }
            finally
            {
                lock (_gate)
                {
                    _active.Remove(run.Id);
                    _busy.Remove(projectId);
                    StartNextLocked(projectId);
                }
            }
        });
    }
}
