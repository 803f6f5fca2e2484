using System.Threading.Channels;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// Writes pipeline changes to the store in batches (group commit), and only then makes them visible:
/// after a batch is stored, its events and log lines are published to watchers and readers in order
/// (<see cref="PipelineRun.MarkStored"/>). Every event and log line is appended in each batch, while a
/// pipeline's whole document (its state as of the last event stored with it) is rewritten at most every
/// <see cref="DocumentInterval"/> (and at once when it completes or on a flush). A batch that fails is
/// retried, with back-off, until it is stored: nothing is published that is not stored, and nothing
/// stored is skipped. <see cref="FlushAsync"/> waits until everything queued before it is stored.
/// </summary>
public sealed class PipelinePersister(IPipelineStore store, Action<Exception> onError) : IAsyncDisposable
{
    public static readonly TimeSpan DocumentInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);
    private const int MaxBatch = 4096;
    private readonly Dictionary<PipelineRun, long> _dirty = [];
    private readonly Dictionary<string, long> _lastWritten = new(StringComparer.Ordinal);
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _disposing = new();
    private Task? _loop;

    public void Start() => _loop ??= Task.Run(RunAsync);

    public Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Item(null, null, null, flushed)))
        {
            flushed.TrySetResult();
        }

        return flushed.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _disposing.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _disposing.Dispose();
    }

    internal void Enqueue(PipelineRun run, PipelineEvent? e, (string PipelineId, LogLine Line)? log, Projects.ProjectResource? resource, InventoryChange? inventory) =>
        _queue.Writer.TryWrite(new Item(run, e, log, null) { Resource = resource, Inventory = inventory });

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Item>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            if (await StoreAsync(batch))
            {
                // Durable, so visible: in the order the changes were made.
                foreach (var item in batch)
                {
                    if (item.Event is { } e)
                    {
                        item.Run!.MarkStored(e.Sequence);
                    }
                    else if (item.Log is { } log)
                    {
                        item.Run!.MarkLogStored(log.Line);
                    }
                }
            }

            foreach (var flushed in batch.Where(i => i.Flushed is not null))
            {
                flushed.Flushed!.TrySetResult();
            }

            batch.Clear();
        }
    }

    // True once the batch is stored; false only when the persister is disposed while the store refuses it.
    // The items of a run that lost its lease to another replica are dropped: the store refuses them, and
    // they must never be published.
    private async Task<bool> StoreAsync(List<Item> batch)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            DropSuperseded(batch);
            DropLost(batch);
            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            var lastEvent = new Dictionary<PipelineRun, long>();
            foreach (var item in batch.Where(i => i.Run is not null))
            {
                _dirty.TryAdd(item.Run!, now);
                if (item.Event is { } e)
                {
                    lastEvent[item.Run!] = e.Sequence;
                }
            }

            // Each document is the state as of the last event stored with it, never ahead of the events.
            var flushing = batch.Any(i => i.Flushed is not null);
            var due = _dirty.Keys
                .Select(r => (Run: r, Document: lastEvent.TryGetValue(r, out var sequence) ? r.StateAfter(sequence) : r.Published))
                .Where(x => flushing || x.Document.IsCompleted
                    || System.Diagnostics.Stopwatch.GetElapsedTime(_lastWritten.GetValueOrDefault(x.Run.Id), now) >= DocumentInterval)
                .ToList();
            var runs = due.Select(x => x.Document).ToList();
            var events = batch.Where(i => i.Event is not null).Select(i => i.Event!).ToList();
            var logs = batch.Where(i => i.Log is not null).Select(i => i.Log!.Value).ToList();
            var resources = batch.Where(i => i.Resource is not null).Select(i => i.Resource!).ToList();
            var inventory = batch.Where(i => i.Inventory is not null).Select(i => i.Inventory!).ToList();
            var fences = due.Select(x => x.Run).Concat(batch.Where(i => i.Run is not null).Select(i => i.Run!))
                .Where(r => r.Lease is not null).DistinctBy(r => r.Id).ToDictionary(r => r.Id, r => r.Lease!.Fence, StringComparer.Ordinal);
            if (runs.Count > 0 || events.Count > 0 || logs.Count > 0 || inventory.Count > 0)
            {
                try
                {
                    await store.SaveBatchAsync(runs, events, logs, resources, inventory, fences.Count == 0 ? null : fences);
                }
                catch (LeaseLostException lost)
                {
                    foreach (var run in _dirty.Keys.Concat(batch.Where(i => i.Run is not null).Select(i => i.Run!))
                        .Where(r => lost.PipelineIds.Contains(r.Id) && r.Lease?.Fence == fences[r.Id]).Distinct().ToList())
                    {
                        run.LoseLease();
                    }

                    continue;
                }
#pragma warning disable CA1031 // The persister must outlive a failed write (a full disk, a transient I/O error); it reports and retries.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    onError(e);
                    try
                    {
                        await Task.Delay(delay, _disposing.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return false;
                    }

                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                    continue;
                }
            }

            foreach (var (run, document) in due)
            {
                _dirty.Remove(run);
                if (document.IsCompleted)
                {
                    _lastWritten.Remove(run.Id);
                }
                else
                {
                    _lastWritten[run.Id] = now;
                }
            }

            return true;
        }
    }

    // A replica that claims again a pipeline it ran (its lease ran out meanwhile) has two runs of it: the older
    // one, under the older token, is superseded and stores nothing more.
    private void DropSuperseded(List<Item> batch)
    {
        if (!batch.Exists(i => i.Run is { Lease: not null }))
        {
            return;
        }

        var runs = _dirty.Keys.Concat(batch.Where(i => i.Run is { Lease: not null }).Select(i => i.Run!)).Where(r => r.Lease is not null).Distinct().ToList();
        foreach (var group in runs.GroupBy(r => r.Id).Where(g => g.Count() > 1))
        {
            var newest = group.Max(r => r.Lease!.Fence);
            foreach (var stale in group.Where(r => r.Lease!.Fence < newest))
            {
                stale.LoseLease();
            }
        }
    }

    private void DropLost(List<Item> batch)
    {
        if (!batch.Exists(i => i.Run is { Lost: true }) && !_dirty.Keys.Any(r => r.Lost))
        {
            return;
        }

        batch.RemoveAll(i => i.Run is { Lost: true } && i.Flushed is null);
        foreach (var run in _dirty.Keys.Where(r => r.Lost).ToList())
        {
            _dirty.Remove(run);
            _lastWritten.Remove(run.Id);
        }
    }

    private sealed record Item(PipelineRun? Run, PipelineEvent? Event, (string PipelineId, LogLine Line)? Log, TaskCompletionSource? Flushed)
    {
        /// <summary>The resource record the event reports, stored in the same transaction.</summary>
        public Projects.ProjectResource? Resource { get; init; }

        /// <summary>The simulated inventory change the event reports, stored in the same transaction.</summary>
        public InventoryChange? Inventory { get; init; }
    }
}
