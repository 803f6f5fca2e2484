using System.Runtime.CompilerServices;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// Reading pipelines: the live state of running ones from memory, finished ones from the store; watch
/// and log streams that replay what a client missed and then follow, without ever slowing the pipeline.
/// </summary>
public sealed class PipelineQueries(PipelineEngine engine, IPipelineStore store, ProjectService projects)
{
    private const int MaxSummaries = 10_000;

    // Completed pipelines never change: their summaries (without nodes) are kept, so GetProject reads its
    // last pipeline from memory instead of deserialising the whole pipeline document on every call.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Pipeline> _completed = new(StringComparer.Ordinal);

    /// <exception cref="NotFoundException">No such pipeline.</exception>
    public async Task<Pipeline> GetAsync(string pipelineId, CancellationToken cancellationToken = default)
    {
        RequireId(pipelineId);
        return await FindAsync(pipelineId, cancellationToken) ?? throw new NotFoundException("pipeline", pipelineId);
    }

    // The live state from memory; else the stored one, which, with replicas, another replica may be running.
    private async Task<Pipeline?> FindAsync(string pipelineId, CancellationToken cancellationToken) =>
        engine.Active(pipelineId)?.Published
            ?? (engine.Coordination is null ? await store.GetAsync(pipelineId, cancellationToken) : await engine.LoadAsync(pipelineId, cancellationToken));

    /// <summary>A pipeline without its nodes (status, stages, gates, times), or null when there is no such pipeline.</summary>
    public async Task<Pipeline?> FindSummaryAsync(string pipelineId, CancellationToken cancellationToken = default)
    {
        if (engine.Active(pipelineId)?.Published is { } active)
        {
            return active;
        }

        if (_completed.TryGetValue(pipelineId, out var known))
        {
            return known;
        }

        var stored = await store.GetAsync(pipelineId, cancellationToken);
        if (stored is { IsCompleted: true })
        {
            if (_completed.Count >= MaxSummaries)
            {
                _completed.Clear();
            }

            _completed[pipelineId] = stored = stored with { Nodes = [] };
        }

        return stored;
    }

    /// <summary>Pipelines newest first; only those of <paramref name="orgs"/> when it is set (the orgs the caller may see).</summary>
    public async Task<Page<Pipeline>> ListAsync(string? project, RunStatus? status, RunResult? result, IReadOnlySet<string>? orgs, PageRequest page, CancellationToken cancellationToken = default)
    {
        var projectId = string.IsNullOrEmpty(project) ? null : (await projects.GetAsync(project, cancellationToken)).Id;
        var found = await store.ListAsync(projectId, status, result, orgs, page, cancellationToken);
        return found with { Items = found.Items.Select(p => engine.Active(p.Id)?.Published ?? p).ToList() };
    }

    /// <exception cref="NotFoundException">The project has no pipeline.</exception>
    public async Task<Pipeline> GetLastAsync(string project, CancellationToken cancellationToken = default)
    {
        var found = await projects.GetAsync(project, cancellationToken);
        var last = await store.GetLastAsync(found.Id, cancellationToken) ?? throw new NotFoundException("pipeline of project", found.QualifiedName);
        return engine.Active(last.Id)?.Published ?? last;
    }

    /// <summary>
    /// The events of a pipeline after <paramref name="afterSequence"/>, following it until its terminal event.
    /// 0 starts with a snapshot, unless <paramref name="fromStart"/> asks for every event from 1. Past the last
    /// event is OUT_OF_RANGE; at the last event of a completed pipeline, a final snapshot marked terminal is sent.
    /// </summary>
    public async IAsyncEnumerable<PipelineEvent> WatchAsync(string pipelineId, long afterSequence, bool fromStart = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var batch in WatchBatchesAsync(pipelineId, afterSequence, fromStart, 1, cancellationToken))
        {
            yield return batch[0];
        }
    }

    /// <summary>
    /// <see cref="WatchAsync"/> in batches of up to <paramref name="maxBatch"/> events: whatever is waiting
    /// when the watcher asks for more, so a watcher that falls behind catches up in a few large steps
    /// instead of many small ones. A snapshot is always a batch of its own.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<PipelineEvent>> WatchBatchesAsync(string pipelineId, long afterSequence, bool fromStart, int maxBatch, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        RequireId(pipelineId);
        var known = await FindAsync(pipelineId, cancellationToken) ?? throw new NotFoundException("pipeline", pipelineId);
        if (afterSequence > known.LastSequence)
        {
            throw new OutOfRangeException("after_sequence", $"pipeline {pipelineId} has {known.LastSequence} events; there is nothing after event {afterSequence} to resume from");
        }

        if (fromStart && afterSequence == 0)
        {
            // The stored events up to now, then a resume after the last of them.
            foreach (var chunk in Chunks(await store.GetEventsAsync(pipelineId, 0, cancellationToken), maxBatch))
            {
                afterSequence = chunk[^1].Sequence;
                yield return chunk;
                if (chunk[^1].Terminal)
                {
                    yield break;
                }
            }
        }

        if (afterSequence > 0 && afterSequence == known.LastSequence && known.IsCompleted)
        {
            yield return [new PipelineEvent(known.Id, known.LastSequence, known.EndedAt ?? known.CreatedAt, PipelineEventKind.Snapshot, true, Snapshot: known)];
            yield break;
        }

        // A run this replica took over holds in memory only what came after it took the pipeline up.
        if (engine.Active(pipelineId) is { } run && (afterSequence == 0 || afterSequence >= run.ResumedAfter))
        {
            var (backlog, subscription) = run.Watch(afterSequence, replay: fromStart);
            var handedOver = false;
            try
            {
                var last = afterSequence;
                foreach (var chunk in Chunks(backlog, maxBatch))
                {
                    last = chunk[^1].Sequence;
                    yield return chunk;
                    if (chunk[^1].Terminal)
                    {
                        yield break;
                    }
                }

                // A watcher that fell behind stops receiving events (its buffer overflowed), and possibly the
                // terminal one too; so once its buffer is drained it is resynchronised with a snapshot, and if
                // its buffer was completed before it saw the terminal event, the final snapshot ends the stream.
                while (true)
                {
                    var batch = new List<PipelineEvent>();
                    while (batch.Count < maxBatch && subscription.Reader.TryRead(out var e))
                    {
                        if (e.Sequence <= last)
                        {
                            continue;
                        }

                        last = e.Sequence;
                        batch.Add(e);
                        if (e.Terminal)
                        {
                            break;
                        }
                    }

                    if (batch.Count > 0)
                    {
                        yield return batch;
                        if (batch[^1].Terminal)
                        {
                            yield break;
                        }
                    }
                    else if (subscription.Overflowed)
                    {
                        var snapshot = run.Resync(subscription);
                        last = snapshot.Sequence;
                        yield return [snapshot];
                        if (snapshot.Terminal)
                        {
                            yield break;
                        }
                    }
                    else if (!await subscription.Reader.WaitToReadAsync(cancellationToken))
                    {
                        if (run.Lost)
                        {
                            // Another replica holds the pipeline now: the rest comes from the store.
                            afterSequence = last;
                            handedOver = true;
                            break;
                        }

                        // Completed (only the terminal event completes it) without this watcher seeing that event.
                        yield return [run.Resync(subscription)];
                        yield break;
                    }
                }
            }
            finally
            {
                run.Unwatch(subscription);
            }

            if (!handedOver)
            {
                yield break;
            }
        }

        if (engine.Coordination is { } coordination)
        {
            await foreach (var chunk in FollowStoredAsync(coordination, pipelineId, afterSequence, maxBatch, cancellationToken))
            {
                yield return chunk;
            }

            yield break;
        }

        var stored = await store.GetAsync(pipelineId, cancellationToken) ?? throw new NotFoundException("pipeline", pipelineId);
        if (afterSequence == 0)
        {
            yield return [new PipelineEvent(stored.Id, stored.LastSequence, stored.EndedAt ?? stored.CreatedAt, PipelineEventKind.Snapshot, stored.IsCompleted, Snapshot: stored)];
            yield break;
        }

        foreach (var chunk in Chunks(await store.GetEventsAsync(pipelineId, afterSequence, cancellationToken), maxBatch))
        {
            yield return chunk;
        }
    }

    /// <summary>
    /// Follows a pipeline that another replica runs (or that no replica holds yet) from the store: the events
    /// table is the truth, a notification only says when to read it again, and a poll covers a lost one.
    /// </summary>
    private async IAsyncEnumerable<IReadOnlyList<PipelineEvent>> FollowStoredAsync(IPipelineCoordination coordination, string pipelineId, long afterSequence, int maxBatch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterSequence;
        if (afterSequence == 0)
        {
            var signal = coordination.EventsSignal(pipelineId);
            var current = await engine.LoadAsync(pipelineId, cancellationToken) ?? throw new NotFoundException("pipeline", pipelineId);
            yield return [new PipelineEvent(current.Id, current.LastSequence, current.EndedAt ?? current.CreatedAt, PipelineEventKind.Snapshot, current.IsCompleted, Snapshot: current)];
            if (current.IsCompleted)
            {
                yield break;
            }

            last = current.LastSequence;
            await Wake(signal);
        }

        while (true)
        {
            var signal = coordination.EventsSignal(pipelineId);
            var events = await store.GetEventsAsync(pipelineId, last, cancellationToken);
            foreach (var chunk in Chunks(events, maxBatch))
            {
                last = chunk[^1].Sequence;
                yield return chunk;
                if (chunk[^1].Terminal)
                {
                    yield break;
                }
            }

            if (events.Count == 0)
            {
                await Wake(signal);
            }
        }

        async Task Wake(Task signal)
        {
            try
            {
                await signal.WaitAsync(FollowPoll, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>How often a follower reads the store when no notification came.</summary>
    private static readonly TimeSpan FollowPoll = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive runs of up to <paramref name="size"/> events, with every snapshot alone.</summary>
    private static IEnumerable<IReadOnlyList<PipelineEvent>> Chunks(IEnumerable<PipelineEvent> events, int size)
    {
        var chunk = new List<PipelineEvent>();
        foreach (var e in events)
        {
            if (chunk.Count > 0 && (chunk.Count == size || e.Kind == PipelineEventKind.Snapshot || chunk[^1].Kind == PipelineEventKind.Snapshot))
            {
                yield return chunk;
                chunk = [];
            }

            chunk.Add(e);
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    /// <summary>The log lines of one node after <paramref name="afterSequence"/>; with <paramref name="follow"/>, new lines until its stack job completes.</summary>
    public async IAsyncEnumerable<LogLine> StreamLogsAsync(string pipelineId, string nodeKey, long afterSequence, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        RequireId(pipelineId);
        if (!ResourceKey.TryParse(nodeKey, out var key))
        {
            throw new ValidationException("node_key", "must be Kind/name");
        }

        var pipeline = await GetAsync(pipelineId, cancellationToken);
        if (pipeline.Nodes.All(n => n.Key != key))
        {
            throw new NotFoundException("node", $"{pipelineId}/{nodeKey}");
        }

        if (engine.Coordination is { } coordination)
        {
            await foreach (var line in FollowStoredLogsAsync(coordination, pipelineId, key, afterSequence, follow, cancellationToken))
            {
                yield return line;
            }

            yield break;
        }

        if (engine.Active(pipelineId) is { } run)
        {
            var (backlog, subscription) = run.WatchLogs(key, afterSequence, follow);
            try
            {
                var last = afterSequence;
                foreach (var line in backlog)
                {
                    last = line.Sequence;
                    yield return line;
                }

                if (subscription is null)
                {
                    yield break;
                }

                await foreach (var line in subscription.Reader.ReadAllAsync(cancellationToken))
                {
                    if (line.Sequence > last)
                    {
                        last = line.Sequence;
                        yield return line;
                    }
                }
            }
            finally
            {
                if (subscription is not null)
                {
                    run.UnwatchLogs(subscription);
                }
            }

            yield break;
        }

        foreach (var line in await store.GetLogsAsync(pipelineId, key, afterSequence, cancellationToken))
        {
            yield return line;
        }
    }

    // With replicas, log lines are read from the store (whichever replica runs the node), woken like events;
    // a node's lines are all stored before the event that completes it, so they end once it reads as completed.
    private async IAsyncEnumerable<LogLine> FollowStoredLogsAsync(IPipelineCoordination coordination, string pipelineId, ResourceKey key, long afterSequence, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterSequence;
        while (true)
        {
            var signal = coordination.EventsSignal(pipelineId);
            var state = await GetAsync(pipelineId, cancellationToken);
            var done = state.IsCompleted || state.Nodes.FirstOrDefault(n => n.Key == key)?.Job.Status == RunStatus.Completed;
            foreach (var line in await store.GetLogsAsync(pipelineId, key, last, cancellationToken))
            {
                last = line.Sequence;
                yield return line;
            }

            if (!follow || done)
            {
                yield break;
            }

            try
            {
                await signal.WaitAsync(FollowPoll, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private static void RequireId(string pipelineId)
    {
        if (string.IsNullOrWhiteSpace(pipelineId))
        {
            throw new ValidationException("pipeline_id", "is required");
        }
    }
}
