using System.Threading.Channels;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// Writes pipeline changes to the store in batches, off the engine's path: every event and log line is
/// appended in each batch, while a pipeline's whole document is rewritten at most every
/// <see cref="DocumentInterval"/> (and at once when it completes or on a flush), because for a large
/// graph that document is big and the events already record every change.
/// <see cref="FlushAsync"/> waits until everything queued before it is stored.
/// </summary>
public sealed class PipelinePersister(IPipelineStore store, Action<Exception> onError) : IAsyncDisposable
{
    public static readonly TimeSpan DocumentInterval = TimeSpan.FromMilliseconds(250);
    private const int MaxBatch = 4096;
    private readonly Dictionary<PipelineRun, long> _dirty = [];
    private readonly Dictionary<string, long> _lastWritten = new(StringComparer.Ordinal);
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
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
        if (_loop is not null)
        {
            await _loop;
        }
    }

    internal void Enqueue(PipelineRun run, PipelineEvent? e, (string PipelineId, LogLine Line)? log) => _queue.Writer.TryWrite(new Item(run, e, log, null));

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

            try
            {
                var now = System.Diagnostics.Stopwatch.GetTimestamp();
                foreach (var run in batch.Where(i => i.Run is not null).Select(i => i.Run!))
                {
                    _dirty.TryAdd(run, now);
                }

                var flushing = batch.Any(i => i.Flushed is not null);
                var due = _dirty.Keys.Select(r => (Run: r, Snapshot: r.Snapshot))
                    .Where(x => flushing || x.Snapshot.IsCompleted
                        || System.Diagnostics.Stopwatch.GetElapsedTime(_lastWritten.GetValueOrDefault(x.Run.Id), now) >= DocumentInterval)
                    .ToList();
                foreach (var (run, _) in due)
                {
                    _dirty.Remove(run);
                    _lastWritten[run.Id] = now;
                }

                var runs = due.Select(x => x.Snapshot).ToList();
                var events = batch.Where(i => i.Event is not null).Select(i => i.Event!).ToList();
                var logs = batch.Where(i => i.Log is not null).Select(i => i.Log!.Value).ToList();
                if (runs.Count > 0 || events.Count > 0 || logs.Count > 0)
                {
                    await store.SaveBatchAsync(runs, events, logs);
                }

                foreach (var completed in due.Where(x => x.Snapshot.IsCompleted))
                {
                    _lastWritten.Remove(completed.Run.Id);
                }
            }
#pragma warning disable CA1031 // The persister must outlive one failed write; the error is reported and the next batch goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                onError(e);
            }

            foreach (var flushed in batch.Where(i => i.Flushed is not null))
            {
                flushed.Flushed!.TrySetResult();
            }

            batch.Clear();
        }
    }

    private sealed record Item(PipelineRun? Run, PipelineEvent? Event, (string PipelineId, LogLine Line)? Log, TaskCompletionSource? Flushed);
}
