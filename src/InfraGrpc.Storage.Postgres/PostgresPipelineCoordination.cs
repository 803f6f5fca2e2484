using System.Collections.Concurrent;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Values;
using Npgsql;

namespace InfraGrpc.Storage.Postgres;

/// <summary>
/// Pipelines coordinated by PostgreSQL among the replicas that share it. A claim locks the heads of the project
/// queues that nobody holds (<c>FOR UPDATE SKIP LOCKED</c>) and takes each under a per-project advisory lock: a
/// pipeline is claimed when it is the oldest unfinished one of its project, nobody holds it (or its owner's lease
/// ran out) and no other pipeline of the project is held. Every claim and every
/// release takes a new fencing token from a sequence, and <see cref="PostgresPipelineStore.SaveBatchAsync"/>
/// refuses a batch whose token is not the pipeline's current one. LISTEN/NOTIFY only wakes replicas up; each
/// reads the tables again, so a lost notification costs a poll interval, never a pipeline.
/// </summary>
public sealed class PostgresPipelineCoordination : IPipelineCoordination, IAsyncDisposable
{
    /// <summary>The channel that says a pipeline was queued or released, or a command was sent.</summary>
    public const string WorkChannel = "infragrpc_work";

    /// <summary>The channel that carries a pipeline id whose events or log lines were stored.</summary>
    public const string EventsChannel = "infragrpc_events";

    private readonly PostgresStore _store;
#pragma warning disable CA2213 // Never disposed on purpose: disposed once per registration it is resolved through; a source without a timer holds nothing to free.
    private readonly CancellationTokenSource _stopping = new();
#pragma warning restore CA2213
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _events = new(StringComparer.Ordinal);
    private readonly Action<Exception> _onError;
    private TaskCompletionSource _work = NewSignal();
    private Task? _listener;

    public PostgresPipelineCoordination(PostgresStore store, string replica, TimeSpan leaseDuration, Action<Exception> onError)
    {
        _store = store;
        _onError = onError;
        Replica = replica;
        LeaseDuration = leaseDuration;
    }

    public string Replica { get; }

    public TimeSpan LeaseDuration { get; }

    /// <summary>Starts listening for notifications (on a connection of its own, reopened after a failure).</summary>
    public void Start() => _listener ??= Task.Run(ListenAsync);

    public async Task<IReadOnlyList<PipelineLease>> ClaimAsync(int max, string? pipelineId = null, CancellationToken cancellationToken = default) =>
        await _store.InTransactionAsync(
            async (connection, transaction) =>
            {
                // The heads of the project queues that nobody holds, locked; another replica claiming at the same
                // moment skips them and takes the next ones instead of waiting.
                var candidates = await Sql.ListAsync(
                    Sql.Command(
                        connection,
                        transaction,
                        """
                        SELECT p.id, p.project_id, p.owner FROM pipelines p
                        WHERE p.status <> 'Completed' AND (p.lease_until IS NULL OR p.lease_until < now())
                          AND ($2::text IS NULL OR p.id = $2)
                          AND NOT EXISTS (SELECT 1 FROM pipelines q WHERE q.project_id = p.project_id AND q.status <> 'Completed' AND (q.created_at, q.id) < (p.created_at, p.id))
                        ORDER BY p.created_at, p.id
                        LIMIT $1
                        FOR UPDATE OF p SKIP LOCKED
                        """,
                        max,
                        pipelineId),
                    r => (Id: r.GetString(0), ProjectId: r.GetString(1), Owner: r.Nullable<string>(2)),
                    cancellationToken);
                var claimed = new List<PipelineLease>();
                foreach (var (id, projectId, owner) in candidates)
                {
                    // One claim per project at a time, and only while no other pipeline of the project is held.
                    await Sql.ExecuteAsync(Sql.Command(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended('infragrpc-queue:' || $1, 0))", projectId), cancellationToken);
                    var fence = await Sql.ListAsync(
                        Sql.Command(
                            connection,
                            transaction,
                            """
                            UPDATE pipelines p SET owner = $2, fence = nextval('pipeline_fences'), lease_until = now() + $3
                            WHERE p.id = $1
                              AND NOT EXISTS (
                                SELECT 1 FROM pipelines q
                                WHERE q.project_id = p.project_id AND q.status <> 'Completed' AND q.id <> p.id
                                  AND ((q.created_at, q.id) < (p.created_at, p.id) OR q.lease_until >= now()))
                            RETURNING p.fence
                            """,
                            id,
                            Replica,
                            LeaseDuration),
                        r => r.GetInt64(0),
                        cancellationToken);
                    if (fence.Count == 1)
                    {
                        claimed.Add(new PipelineLease(id, projectId, fence[0], owner));
                    }
                }

                return claimed;
            },
            cancellationToken);

    public async Task<PipelineLease?> ClaimQueuedAsync(string pipelineId, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(
            Sql.Command(
                _store.DataSource,
                """
                UPDATE pipelines SET owner = $2, fence = nextval('pipeline_fences'), lease_until = now() + $3
                WHERE id = $1 AND status = 'Queued' AND lease_until IS NULL
                RETURNING project_id, fence
                """,
                pipelineId,
                Replica,
                LeaseDuration),
            r => new PipelineLease(pipelineId, r.GetString(0), r.GetInt64(1), null),
            cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<string>> RenewAsync(IReadOnlyCollection<PipelineLease> leases, CancellationToken cancellationToken = default)
    {
        if (leases.Count == 0)
        {
            return [];
        }

        var renewed = await Sql.ListAsync(
            Sql.Command(
                _store.DataSource,
                """
                UPDATE pipelines p SET lease_until = now() + $3
                FROM unnest($1::text[], $2::bigint[]) AS l(id, fence)
                WHERE p.id = l.id AND p.fence = l.fence AND p.owner = $4
                RETURNING p.id
                """,
                leases.Select(l => l.PipelineId).ToArray(),
                leases.Select(l => l.Fence).ToArray(),
                LeaseDuration,
                Replica),
            r => r.GetString(0),
            cancellationToken);
        return leases.Select(l => l.PipelineId).Except(renewed, StringComparer.Ordinal).ToList();
    }

    public async Task ReleaseAsync(PipelineLease lease, CancellationToken cancellationToken = default) =>
        await _store.InTransactionAsync(
            async (connection, transaction) =>
            {
                // A new token on release too: whatever the old holder still tries to store is refused. The owner stays,
                // as the last holder: whoever takes a pipeline over that was released unfinished names it.
                await Sql.ExecuteAsync(
                    Sql.Command(connection, transaction, "UPDATE pipelines SET lease_until = NULL, fence = nextval('pipeline_fences') WHERE id = $1 AND fence = $2", lease.PipelineId, lease.Fence),
                    cancellationToken);
                await Sql.ExecuteAsync(Sql.Command(connection, transaction, $"SELECT pg_notify('{WorkChannel}', $1)", lease.ProjectId), cancellationToken);
                return true;
            },
            cancellationToken);

    public bool HasUnfinished(string projectId, string? except = null)
    {
        using var command = Sql.Command(_store.DataSource, "SELECT EXISTS (SELECT 1 FROM pipelines WHERE project_id = $1 AND status <> 'Completed' AND id <> $2)", projectId, except ?? string.Empty);
        return command.ExecuteScalar() is true;
    }

    public Pipeline? PendingPurge(string projectId)
    {
        using var command = Sql.Command(
            _store.DataSource,
            "SELECT record FROM pipelines WHERE project_id = $1 AND status <> 'Completed' ORDER BY created_at, id",
            projectId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var pipeline = RecordJson.Deserialize<Pipeline>(reader.GetString(0));
            if (pipeline.Trigger == PipelineTrigger.Purge)
            {
                return pipeline;
            }
        }

        return null;
    }

    public async Task<IAsyncDisposable> LockProjectStatusAsync(string projectId, CancellationToken cancellationToken = default)
    {
        // A session lock on a connection of its own, held while the caller reads and writes through the pool.
        var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await Sql.ExecuteAsync(Sql.Command(connection, null, "SELECT pg_advisory_lock(hashtextextended('infragrpc-status:' || $1, 0))", projectId), cancellationToken);
            return new StatusLock(connection, projectId);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task SendAsync(PipelineCommand command, CancellationToken cancellationToken = default) =>
        await _store.InTransactionAsync(
            async (connection, transaction) =>
            {
                await Sql.ExecuteAsync(
                    Sql.Command(
                        connection,
                        transaction,
                        "INSERT INTO pipeline_commands (pipeline_id, kind, gate_id, approve, actor, comment) VALUES ($1, $2, $3, $4, $5, $6)",
                        command.PipelineId,
                        command.Kind.ToString(),
                        command.GateId,
                        command.Approve,
                        command.Actor,
                        command.Comment),
                    cancellationToken);
                await Sql.ExecuteAsync(Sql.Command(connection, transaction, $"SELECT pg_notify('{WorkChannel}', $1)", command.PipelineId), cancellationToken);
                return true;
            },
            cancellationToken);

    public async Task<IReadOnlyList<PipelineCommand>> CommandsAsync(IReadOnlyCollection<string> pipelineIds, long afterId, CancellationToken cancellationToken = default) =>
        pipelineIds.Count == 0
            ? []
            : await Sql.ListAsync(
                Sql.Command(
                    _store.DataSource,
                    "SELECT id, pipeline_id, kind, gate_id, approve, actor, comment FROM pipeline_commands WHERE pipeline_id = ANY($1) AND id > $2 ORDER BY id",
                    pipelineIds.ToArray(),
                    afterId),
                r => new PipelineCommand(r.GetInt64(0), r.GetString(1), Enum.Parse<PipelineCommandKind>(r.GetString(2)), r.Nullable<string>(3), r.GetBoolean(4), r.GetString(5), r.Nullable<string>(6)),
                cancellationToken);

    public async Task NotifyQueuedAsync(CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(Sql.Command(_store.DataSource, $"SELECT pg_notify('{WorkChannel}', '')"), cancellationToken);

    /// <summary>A task that completes at the next notification of new events for the pipeline (take it before reading).</summary>
    public Task EventsSignal(string pipelineId) => _events.GetOrAdd(pipelineId, _ => NewSignal()).Task;

    /// <summary>A task that completes at the next notification of work (take it before claiming).</summary>
    public Task WorkSignal() => Volatile.Read(ref _work).Task;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_listener is not null)
        {
            await _listener;
        }
    }

    private sealed class StatusLock(NpgsqlConnection connection, string projectId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await Sql.ExecuteAsync(Sql.Command(connection, null, "SELECT pg_advisory_unlock(hashtextextended('infragrpc-status:' || $1, 0))", projectId), CancellationToken.None);
            }
            finally
            {
                // Closing the session releases the lock too, should the unlock have failed.
                await connection.DisposeAsync();
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void WakeWorkers() => Interlocked.Exchange(ref _work, NewSignal()).TrySetResult();

    private void WakeWatchers(string pipelineId)
    {
        if (_events.TryRemove(pipelineId, out var signal))
        {
            signal.TrySetResult();
        }
    }

    private async Task ListenAsync()
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _store.DataSource.OpenConnectionAsync(_stopping.Token);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == EventsChannel)
                    {
                        WakeWatchers(e.Payload);
                    }
                    else
                    {
                        WakeWorkers();
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {WorkChannel}; LISTEN {EventsChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(_stopping.Token);
                }

                // Whatever was notified while nobody listened is found by reading again.
                WakeAll();
                delay = TimeSpan.FromMilliseconds(100);
                while (true)
                {
                    await connection.WaitAsync(_stopping.Token);
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The listener outlives a lost connection: it reports, wakes everyone to poll, and listens again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _onError(e);
                WakeAll();
                try
                {
                    await Task.Delay(delay, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private void WakeAll()
    {
        WakeWorkers();
        foreach (var id in _events.Keys)
        {
            WakeWatchers(id);
        }
    }
}
