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
        return engine.Active(pipelineId)?.Published
            ?? await store.GetAsync(pipelineId, cancellationToken)
            ?? throw new NotFoundException("pipeline", pipelineId);
    }

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
        var known = engine.Active(pipelineId)?.Published ?? await store.GetAsync(pipelineId, cancellationToken) ?? throw new NotFoundException("pipeline", pipelineId);
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

        if (engine.Active(pipelineId) is { } run)
        {
            var (backlog, subscription) = run.Watch(afterSequence, replay: fromStart);
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

    private static void RequireId(string pipelineId)
    {
        if (string.IsNullOrWhiteSpace(pipelineId))
        {
            throw new ValidationException("pipeline_id", "is required");
        }
    }
}
