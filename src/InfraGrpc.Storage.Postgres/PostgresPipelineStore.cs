using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;
using Npgsql;

namespace InfraGrpc.Storage.Postgres;

/// <summary>Pipelines in PostgreSQL: one row per pipeline (rewritten per batch), events and log lines one row each, unique by sequence.</summary>
public sealed class PostgresPipelineStore(PostgresStore store) : IPipelineStore
{
    public async Task InsertAsync(Pipeline pipeline, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(Sql.Command(store.DataSource, $"INSERT INTO pipelines ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)", Values(pipeline)), cancellationToken);

    public Task SaveBatchAsync(
        IReadOnlyList<Pipeline> pipelines,
        IReadOnlyList<PipelineEvent> events,
        IReadOnlyList<(string PipelineId, LogLine Line)> logs,
        IReadOnlyList<ProjectResource>? resources = null,
        IReadOnlyList<InventoryChange>? inventory = null,
        IReadOnlyDictionary<string, long>? fences = null,
        CancellationToken cancellationToken = default) =>
        store.InTransactionAsync(
            async (connection, transaction) =>
            {
                if (events.DistinctBy(e => (e.PipelineId, e.Sequence)).Count() != events.Count)
                {
                    throw new InvalidOperationException("a batch repeats an event sequence");
                }

                if (fences is { Count: > 0 })
                {
                    // The rows stay locked to the commit: a claim that would take a pipeline over waits for this batch.
                    var current = await Sql.ListAsync(
                        Sql.Command(connection, transaction, "SELECT id, fence FROM pipelines WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE", (object)fences.Keys.ToArray()),
                        r => (Id: r.GetString(0), Fence: r.GetInt64(1)),
                        cancellationToken);
                    var lost = fences.Where(f => !current.Contains((f.Key, f.Value))).Select(f => f.Key).Order(StringComparer.Ordinal).ToList();
                    if (lost.Count > 0)
                    {
                        throw new LeaseLostException(lost);
                    }
                }

                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch)
                {
                    foreach (var pipeline in pipelines)
                    {
                        Add(batch, $"INSERT INTO pipelines ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET status = excluded.status, result = excluded.result, record = excluded.record", Values(pipeline));
                    }

                    // A sequence is written once. A batch retried after its commit's answer was lost comes again as it was:
                    // its rows are there already and stay; a different event or line under a stored key fails the batch.
                    if (events.Count > 0)
                    {
                        var (ids, sequences, records) = (events.Select(e => e.PipelineId).ToArray(), events.Select(e => e.Sequence).ToArray(), events.Select(e => RecordJson.Serialize(e)).ToArray());
                        Add(batch, "SELECT infragrpc_conflicts($1, (SELECT count(*) FROM unnest($2::text[], $3::bigint[], $4::text[]) AS i(pipeline_id, sequence, record) JOIN pipeline_events s USING (pipeline_id, sequence) WHERE s.record <> i.record))", "event", ids, sequences, records);
                        Add(batch, "INSERT INTO pipeline_events (pipeline_id, sequence, record) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) ON CONFLICT (pipeline_id, sequence) DO NOTHING", ids, sequences, records);
                    }

                    if (logs.Count > 0)
                    {
                        var (ids, nodes, sequences, records) = (logs.Select(l => l.PipelineId).ToArray(), logs.Select(l => l.Line.Node.ToString()).ToArray(), logs.Select(l => l.Line.Sequence).ToArray(), logs.Select(l => RecordJson.Serialize(l.Line)).ToArray());
                        Add(batch, "SELECT infragrpc_conflicts($1, (SELECT count(*) FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) AS i(pipeline_id, node, sequence, record) JOIN pipeline_logs s USING (pipeline_id, node, sequence) WHERE s.record <> i.record))", "log line", ids, nodes, sequences, records);
                        Add(batch, "INSERT INTO pipeline_logs (pipeline_id, node, sequence, record) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) ON CONFLICT (pipeline_id, node, sequence) DO NOTHING", ids, nodes, sequences, records);
                    }

                    foreach (var change in inventory ?? [])
                    {
                        if (change.Outputs is null)
                        {
                            Add(batch, "DELETE FROM simulated_resources WHERE key = $1", change.Key);
                        }
                        else
                        {
                            Add(batch, "INSERT INTO simulated_resources (key, kind, outputs_json) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, outputs_json = excluded.outputs_json, applies = simulated_resources.applies + 1", change.Key, change.Kind, Json.Serialize(change.Outputs));
                        }
                    }

                    // Watchers on every replica are woken; they read what this batch stored once it commits.
                    var touched = events.Select(e => e.PipelineId).Concat(logs.Select(l => l.PipelineId)).Distinct(StringComparer.Ordinal).ToArray();
                    if (touched.Length > 0)
                    {
                        Add(batch, $"SELECT pg_notify('{PostgresPipelineCoordination.EventsChannel}', id) FROM unnest($1::text[]) AS t(id)", (object)touched);
                    }

                    if (batch.BatchCommands.Count > 0)
                    {
                        await batch.ExecuteNonQueryAsync(cancellationToken);
                    }
                }

                foreach (var resource in resources ?? [])
                {
                    await PostgresProjectStore.UpsertResourceAsync(connection, transaction, resource, cancellationToken);
                }

                return true;
            },
            cancellationToken);

    public async Task<Pipeline?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM pipelines WHERE id = $1", id), Read, cancellationToken)).SingleOrDefault();

    public async Task<Page<Pipeline>> ListAsync(string? projectId, RunStatus? status, RunResult? result, IReadOnlySet<string>? orgs, PageRequest page, CancellationToken cancellationToken = default)
    {
        // Newest first; the page key is "created (unix ms, 15 digits):id", as the embedded store writes it after the project.
        var (beforeMs, beforeId) = ParseKey(page.AfterKey, projectId);
        var rows = await Sql.ListAsync(
            Sql.Command(
                store.DataSource,
                """
                SELECT record, created_at, id FROM pipelines
                WHERE ($1::text IS NULL OR project_id = $1)
                  AND (created_at, id) < ($2, $3)
                  AND ($4::text IS NULL OR status = $4)
                  AND ($5::text IS NULL OR result = $5)
                  AND ($6::text[] IS NULL OR org = ANY($6))
                ORDER BY created_at DESC, id DESC
                LIMIT $7
                """,
                projectId,
                DateTimeOffset.FromUnixTimeMilliseconds(beforeMs),
                beforeId,
                status?.ToString(),
                result?.ToString(),
                orgs?.ToArray(),
                page.Size + 1),
            r => Read(r),
            cancellationToken);
        var next = rows.Count > page.Size ? Key(rows[page.Size - 1], projectId) : null;
        return new Page<Pipeline>(rows.Take(page.Size).ToList(), next);
    }

    public async Task<Pipeline?> GetLastAsync(string projectId, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM pipelines WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1", projectId), Read, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<PipelineEvent>> GetEventsAsync(string pipelineId, long afterSequence, CancellationToken cancellationToken = default) =>
        await Sql.ListAsync(
            Sql.Command(store.DataSource, "SELECT record FROM pipeline_events WHERE pipeline_id = $1 AND sequence > $2 ORDER BY sequence", pipelineId, afterSequence),
            r => RecordJson.Deserialize<PipelineEvent>(r.GetString(0)),
            cancellationToken);

    public async Task<IReadOnlyList<LogLine>> GetLogsAsync(string pipelineId, ResourceKey node, long afterSequence, CancellationToken cancellationToken = default) =>
        await Sql.ListAsync(
            Sql.Command(store.DataSource, "SELECT record FROM pipeline_logs WHERE pipeline_id = $1 AND node = $2 AND sequence > $3 ORDER BY sequence", pipelineId, node.ToString(), afterSequence),
            r => RecordJson.Deserialize<LogLine>(r.GetString(0)),
            cancellationToken);

    public async Task<IReadOnlyList<Pipeline>> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM pipelines WHERE status <> 'Completed' ORDER BY created_at, id"), Read, cancellationToken);

    private const string Columns = "id, project_id, org, created_at, status, result, record";

    private static object?[] Values(Pipeline pipeline) =>
    [
        pipeline.Id,
        pipeline.ProjectId,
        pipeline.ProjectName.Split('/')[0],
        DateTimeOffset.FromUnixTimeMilliseconds(pipeline.CreatedAt.ToUnixTimeMilliseconds()),
        pipeline.Status.ToString(),
        pipeline.Result.ToString(),
        RecordJson.Serialize(pipeline),
    ];

    private static void Add(NpgsqlBatch batch, string text, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(text);
        foreach (var value in values)
        {
            command.Parameters.Add(Sql.Parameter(value));
        }

        batch.BatchCommands.Add(command);
    }

    private static string Key(Pipeline pipeline, string? projectId) =>
        $"{(projectId is null ? string.Empty : projectId + ":")}{pipeline.CreatedAt.ToUnixTimeMilliseconds():D15}:{pipeline.Id}";

    private static (long Ms, string Id) ParseKey(string? key, string? projectId)
    {
        var rest = key;
        if (rest is not null && projectId is not null)
        {
            rest = rest.StartsWith(projectId + ":", StringComparison.Ordinal) ? rest[(projectId.Length + 1)..] : null;
        }

        return rest is not null && rest.IndexOf(':') is var colon and > 0 && long.TryParse(rest[..colon], out var ms) ? (ms, rest[(colon + 1)..]) : (253_402_300_799_999, "\uffff");
    }

    private static Pipeline Read(NpgsqlDataReader reader) => RecordJson.Deserialize<Pipeline>(reader.GetString(0));
}
