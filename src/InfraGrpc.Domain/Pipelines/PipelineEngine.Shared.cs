using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Paging;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// The engine when replicas share the store (<see cref="IPipelineCoordination"/>): a launch only queues the
/// pipeline in the database; every replica claims what may run, holds it by a lease it renews, and resumes
/// what a replica that stopped left unfinished. Cancel requests and gate decisions for a pipeline that another
/// replica runs go to it through the database.
/// </summary>
public sealed partial class PipelineEngine : IAsyncDisposable
{
    private const int MaxClaim = 32;
#pragma warning disable CA2213 // Never disposed on purpose: the engine is disposed once per registration it is resolved through, and a source without a timer holds nothing to free.
    private readonly CancellationTokenSource _stopping = new();
#pragma warning restore CA2213
    private int _handedOver;
    private Task? _dispatcher;
    private Task? _renewer;

    internal IPipelineCoordination? Coordination => coordination;

    /// <summary>
    /// Stops claiming, and hands the pipelines this replica runs over: what is stored stays, the rest is dropped,
    /// and the leases are released so that another replica resumes them at once instead of after the lease.
    /// </summary>
    public async Task HandOverAsync()
    {
        if (coordination is null || _dispatcher is null || Interlocked.Exchange(ref _handedOver, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_dispatcher, _renewer ?? Task.CompletedTask);
        await persister.FlushAsync();
        foreach (var run in Held())
        {
            run.LoseLease();
            try
            {
                await coordination.ReleaseAsync(run.Lease!);
            }
#pragma warning disable CA1031 // A lease that cannot be released runs out instead.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError(e);
            }
        }
    }

    public async ValueTask DisposeAsync() => await HandOverAsync();

    private void StartShared()
    {
        _dispatcher = Task.Run(DispatchAsync);
        _renewer = Task.Run(RenewAsync);
    }

    private List<PipelineRun> Held()
    {
        lock (_gate)
        {
            return _active.Values.Where(r => r.Lease is not null && !r.Lost).ToList();
        }
    }

    private TimeSpan PollInterval => TimeSpan.FromTicks(Math.Min(coordination!.LeaseDuration.Ticks / 3, TimeSpan.FromSeconds(2).Ticks));

    // Claims what may run whenever the database signals work, and at least every poll interval (a lease that
    // ran out signals nothing).
    private async Task DispatchAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var signal = coordination!.WorkSignal();
            try
            {
                await ApplyCommandsAsync(Held());
                var leases = await coordination.ClaimAsync(MaxClaim, cancellationToken: _stopping.Token);
                foreach (var lease in leases)
                {
                    await StartClaimedAsync(lease);
                }

                if (leases.Count == MaxClaim)
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The dispatcher outlives an unreachable database: it reports and tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError(e);
            }

            try
            {
                await signal.WaitAsync(PollInterval, _stopping.Token);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RenewAsync()
    {
        var interval = coordination!.LeaseDuration / 3;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _stopping.Token);
                var held = Held();
                var lost = await coordination.RenewAsync(held.Select(r => r.Lease!).ToList(), _stopping.Token);
                foreach (var run in held.Where(r => lost.Contains(r.Id)))
                {
                    run.LoseLease();
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Renewal outlives an unreachable database; a lease that runs out meanwhile is refused at the next batch.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError(e);
            }
        }
    }

    private async Task StartClaimedAsync(PipelineLease lease)
    {
        var pipeline = await LoadAsync(lease.PipelineId);
        if (pipeline is null || pipeline.IsCompleted)
        {
            // Finished before its owner stopped, with only its document behind.
            if (pipeline is not null)
            {
                await store.SaveBatchAsync([pipeline], [], [], fences: new Dictionary<string, long> { [pipeline.Id] = lease.Fence });
            }

            await coordination!.ReleaseAsync(lease);
            return;
        }

        var run = new PipelineRun(pipeline, clock, persister.Enqueue) { Lease = lease, ResumedAfter = pipeline.LastSequence };
        if (lease.PreviousOwner is { } previous)
        {
            // Nodes that were running run again, from refresh; their log lines continue after the stored ones.
            foreach (var node in pipeline.Nodes.Where(n => n.Job.Status is RunStatus.Running or RunStatus.AwaitingApproval))
            {
                var lines = await store.GetLogsAsync(pipeline.Id, node.Key, 0);
                run.ContinueLogs(node.Key, lines.Count == 0 ? 0 : (int)lines[^1].Sequence);
            }

            var status = pipeline.Status == RunStatus.Queued ? RunStatus.Queued : RunStatus.Running;
            run.UpdateStatus(status, RunResult.None, $"taken over by replica {coordination!.Replica} from replica {previous}");
        }

        PipelineRun? superseded;
        lock (_gate)
        {
            superseded = _active.GetValueOrDefault(run.Id);
            _active[run.Id] = run;
        }

        // This replica ran it before, and its lease ran out meanwhile: that run's token is stale.
        superseded?.LoseLease();
        await ApplyCommandsAsync([run]);
        _ = Task.Run(async () =>
        {
            try
            {
                await executor.ExecuteAsync(run, result => run.Lost ? Task.CompletedTask : RefreshStatusAsync(run.ProjectId, (run, result)));
            }
#pragma warning disable CA1031 // A bug in one pipeline must not leave it running forever or the project locked.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError(e);
                if (!run.Snapshot.IsCompleted && !run.Lost)
                {
                    PipelineExecutor.Interrupt(run, "internal error: " + e.Message);
                    await RefreshStatusAsync(run.ProjectId, null);
                }
            }

            try
            {
                await persister.FlushAsync();
                if (!run.Lost)
                {
                    await coordination!.ReleaseAsync(run.Lease!);
                }
            }
#pragma warning disable CA1031 // A lease that cannot be released runs out; whoever claims the pipeline then finds it completed.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError(e);
            }
            finally
            {
                lock (_gate)
                {
                    if (_active.GetValueOrDefault(run.Id) == run)
                    {
                        _active.Remove(run.Id);
                    }
                }
            }
        });
    }

    /// <summary>
    /// A pipeline as stored, brought up to date with the events stored after its document (which another replica
    /// may be writing: the document is rewritten less often than events are appended); a completed one as it is.
    /// </summary>
    internal async Task<Pipeline?> LoadAsync(string pipelineId, CancellationToken cancellationToken = default)
    {
        var stored = await store.GetAsync(pipelineId, cancellationToken);
        return stored is null || stored.IsCompleted ? stored : PipelineReplay.Apply(stored, await store.GetEventsAsync(stored.Id, stored.LastSequence, cancellationToken));
    }

    private async Task ApplyCommandsAsync(List<PipelineRun> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        var byId = runs.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var command in await coordination!.CommandsAsync(byId.Keys, 0, _stopping.Token))
        {
            var run = byId[command.PipelineId];
            if (!run.AppliedCommands.Add(command.Id) || run.Snapshot.IsCompleted)
            {
                continue;
            }

            if (command.Kind == PipelineCommandKind.Cancel)
            {
                run.RequestCancel(command.Actor, command.Comment);
                foreach (var decision in run.GateDecisions.Values)
                {
                    decision.TrySetResult((false, command.Actor));
                }
            }
            else if (run.Snapshot.Gates.Any(g => g.Id == command.GateId && g.State == GateState.Pending))
            {
                ResolveGate(run, command.GateId, command.Approve, command.Actor, command.Comment);
            }
        }
    }

    // The deploys queued before this one that it makes pointless complete as SKIPPED (see SupersedeLocked), each
    // claimed first so that no replica starts it meanwhile.
    private async Task QueueSharedAsync(Pipeline incoming, CancellationToken cancellationToken)
    {
        if (incoming.Operation == PipelineOperation.Deploy)
        {
            var queued = (await store.ListAsync(incoming.ProjectId, RunStatus.Queued, null, null, new PageRequest(PageRequest.MaxSize, null), cancellationToken)).Items
                .Where(p => p.Id != incoming.Id && (p.CreatedAt, p.Id).CompareTo((incoming.CreatedAt, incoming.Id)) < 0)
                .Reverse()
                .ToList();
            var lastUndeploy = queued.FindLastIndex(p => p.Operation != PipelineOperation.Deploy);
            foreach (var superseded in queued.Skip(lastUndeploy + 1).Where(p => p.Trigger != PipelineTrigger.Manual))
            {
                await CompleteQueuedAsync(superseded.Id, run => PipelineExecutor.Skip(run, $"superseded by revision {incoming.Revision} (pipeline {incoming.Id})"));
            }
        }

        // Started here and now when its project is idle, as the embedded engine does: the caller's next change
        // finds it running, not queued (and so not superseded). Otherwise whoever releases the project wakes the replicas.
        if ((await coordination!.ClaimAsync(1, incoming.Id, cancellationToken)).SingleOrDefault() is { } lease)
        {
            await StartClaimedAsync(lease);
        }
        else
        {
            await coordination.NotifyQueuedAsync(cancellationToken);
        }
    }

    // Completes a queued pipeline that nobody holds without running it; null when a replica holds it already.
    private async Task<PipelineRun?> CompleteQueuedAsync(string pipelineId, Action<PipelineRun> complete)
    {
        var lease = await coordination!.ClaimQueuedAsync(pipelineId);
        if (lease is null)
        {
            return null;
        }

        PipelineRun? run = null;
        try
        {
            var pipeline = await LoadAsync(pipelineId);
            if (pipeline is null || pipeline.IsCompleted)
            {
                return null;
            }

            run = new PipelineRun(pipeline, clock, persister.Enqueue) { Lease = lease, ResumedAfter = pipeline.LastSequence };
            complete(run);
            await persister.FlushAsync();
            return run.Lost ? null : run;
        }
        finally
        {
            if (run is not { Lost: true })
            {
                await coordination.ReleaseAsync(lease);
            }
        }
    }

    private async Task<Pipeline> CancelSharedAsync(string pipelineId, string actor, string? reason)
    {
        var stored = await LoadAsync(pipelineId);
        if (stored is null || stored.IsCompleted)
        {
            throw new PreconditionFailedException("PIPELINE_NOT_RUNNING", $"pipeline {pipelineId} is not queued or running");
        }

        if (stored.Status == RunStatus.Queued && await CompleteQueuedAsync(pipelineId, run =>
            {
                run.RequestCancel(actor, reason);
                PipelineExecutor.CancelQueued(run);
            }) is { } cancelled)
        {
            await RefreshStatusAsync(cancelled.ProjectId, null);
            return cancelled.Published;
        }

        // Another replica runs it (or is starting it): its owner applies the request.
        await coordination!.SendAsync(new PipelineCommand(0, pipelineId, PipelineCommandKind.Cancel, null, false, actor, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()));
        return stored;
    }

    private async Task<Gate> ResolveGateSharedAsync(string pipelineId, string? gateId, bool approve, string actor, string? comment, CancellationToken cancellationToken)
    {
        var stored = await LoadAsync(pipelineId, cancellationToken);
        if (stored is null || stored.IsCompleted)
        {
            throw new PreconditionFailedException("PIPELINE_NOT_RUNNING", $"pipeline {pipelineId} is not running");
        }

        var gate = PendingGate(stored, gateId);
        await coordination!.SendAsync(new PipelineCommand(0, pipelineId, PipelineCommandKind.Gate, gate.Id, approve, actor, comment), cancellationToken);
        return gate with
        {
            State = approve ? GateState.Approved : GateState.Rejected,
            ResolvedBy = actor,
            Comment = comment,
            ResolvedAt = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds()),
        };
    }
}
