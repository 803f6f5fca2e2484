using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;
using InfraGrpc.Storage.LiteDb.Documents;
using LiteDB;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>Pipelines in LiteDB: one document per pipeline (rewritten per batch), events and log lines appended by ordered ids.</summary>
public sealed class LiteDbPipelineStore(LiteDbStore store) : IPipelineStore
{
    private ILiteCollection<PipelineDocument> Pipelines => store.Database.GetCollection<PipelineDocument>(PipelineDocument.Collection);

    private ILiteCollection<PipelineEventChunkDocument> Events => store.Database.GetCollection<PipelineEventChunkDocument>(PipelineEventChunkDocument.Collection);

    private ILiteCollection<LogChunkDocument> Logs => store.Database.GetCollection<LogChunkDocument>(LogChunkDocument.Collection);

    /// <summary>
    /// The last sequence written under each chunk range (a pipeline's events, a node's log lines) of the pipelines not
    /// completed, read and written only inside transactions. A batch that starts after it needs no read of what is
    /// stored; anything else (the first batch after a start, a retry) compares with the store. It may run ahead of the
    /// store after a rolled-back transaction, which only sends the next batch down the comparing path.
    /// </summary>
    private readonly Dictionary<string, Written> _written = new(StringComparer.Ordinal);

    /// <summary>What this process wrote of one pipeline, and whether nothing of it was stored before (then an absent range is empty).</summary>
    private sealed record Written(bool StartedEmpty)
    {
        public Dictionary<string, long> Last { get; } = new(StringComparer.Ordinal);
    }

    public Task InsertAsync(Pipeline pipeline, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() => Pipelines.Insert(ToDocument(pipeline)));
        return Task.CompletedTask;
    }

    public Task SaveBatchAsync(
        IReadOnlyList<Pipeline> pipelines,
        IReadOnlyList<PipelineEvent> events,
        IReadOnlyList<(string PipelineId, LogLine Line)> logs,
        IReadOnlyList<ProjectResource>? resources = null,
        IReadOnlyList<InventoryChange>? inventory = null,
        IReadOnlyDictionary<string, long>? fences = null,
        CancellationToken cancellationToken = default)
    {
        var pipelineDocuments = pipelines.Select(ToDocument).ToList();
        var eventGroups = events.GroupBy(e => e.PipelineId).Select(g => (PipelineId: g.Key, Events: g.OrderBy(e => e.Sequence).ToList())).ToList();
        var logGroups = logs.GroupBy(l => (l.PipelineId, Node: l.Line.Node.ToString())).Select(g => (g.Key.PipelineId, g.Key.Node, Lines: g.Select(l => l.Line).OrderBy(l => l.Sequence).ToList())).ToList();
        store.InTransaction(() =>
        {
            // An event's sequence is written once per pipeline, as PostgreSQL's key enforces: an event already stored may
            // come again only as it was (a batch retried), and is then skipped; a different one refuses the whole batch.
            var eventDocuments = new List<PipelineEventChunkDocument>();
            foreach (var (pipelineId, group) in eventGroups)
            {
                var fresh = WithoutStored(Events, pipelineId, pipelineId + ":", group, e => e.Sequence, $"pipeline {pipelineId}: event");
                if (fresh.Count > 0)
                {
                    eventDocuments.Add(new PipelineEventChunkDocument
                    {
                        Id = PipelineEventChunkDocument.IdOf(pipelineId, fresh[0].Sequence),
                        LastSequence = fresh[^1].Sequence,
                        Json = RecordJson.Serialize(fresh),
                    });
                }
            }

            // Log lines likewise, per pipeline and node.
            var logDocuments = new List<LogChunkDocument>();
            foreach (var (pipelineId, node, lines) in logGroups)
            {
                var prefix = $"{pipelineId}|{node}|";
                var fresh = WithoutStored(Logs, pipelineId, prefix, lines, l => l.Sequence, $"pipeline {pipelineId}, node {node}: log line");
                if (fresh.Count > 0)
                {
                    logDocuments.Add(new LogChunkDocument { Id = LogChunkDocument.IdOf(pipelineId, node, fresh[0].Sequence), LastSequence = fresh[^1].Sequence, Json = RecordJson.Serialize(fresh) });
                }
            }

            foreach (var document in pipelineDocuments)
            {
                Pipelines.Upsert(document);
                if (document.Status == nameof(RunStatus.Completed))
                {
                    _written.Remove(document.Id);
                }
            }

            Events.Insert(eventDocuments);
            Logs.Insert(logDocuments);
            foreach (var resource in resources ?? [])
            {
                ResourceDocuments.Upsert(store, resource);
            }

            var cloud = store.Database.GetCollection<SimulatedResourceDocument>(SimulatedResourceDocument.Collection);
            foreach (var change in inventory ?? [])
            {
                _ = change.Outputs is null
                    ? cloud.Delete(change.Key)
                    : cloud.Upsert(new SimulatedResourceDocument { Id = change.Key, Kind = change.Kind, OutputsJson = Json.Serialize(change.Outputs) });
            }

            return true;
        });
        return Task.CompletedTask;
    }

    /// <summary>
    /// The items of a batch (events, or one node's log lines) not stored yet under <paramref name="prefix"/>; an item stored
    /// with the same sequence must be equal (a batch retried as it was), or the batch is refused.
    /// </summary>
    private List<T> WithoutStored<T, TChunk>(ILiteCollection<TChunk> chunks, string pipelineId, string prefix, List<T> items, Func<T, long> sequence, string what)
        where TChunk : ISequenceChunk
    {
        if (items.Select(sequence).Distinct().Count() != items.Count)
        {
            throw new InvalidOperationException($"{what}: a batch repeats a sequence");
        }

        if (!_written.TryGetValue(pipelineId, out var written))
        {
            // The first write of a pipeline in this process: two seeks say whether anything of it is stored already.
            _written[pipelineId] = written = new Written(!Stored(Events, pipelineId + ":") && !Stored(Logs, pipelineId + "|"));
        }

        var known = written.Last.TryGetValue(prefix, out var last) ? last : written.StartedEmpty ? 0 : (long?)null;
        written.Last[prefix] = Math.Max(known ?? 0, sequence(items[^1]));
        if (known is { } before && before < sequence(items[0]))
        {
            return items;
        }

        if (!Stored(chunks, prefix))
        {
            return items;
        }

        var range = Query.And(Query.GT("_id", new BsonValue(prefix)), Query.LT("_id", new BsonValue(prefix[..^1] + (char)(prefix[^1] + 1))));
        var first = sequence(items[0]);
        var stored = chunks.Find(range)
            .Where(chunk => chunk.LastSequence >= first)
            .SelectMany(chunk => RecordJson.Deserialize<List<T>>(chunk.Json))
            .ToDictionary(sequence, item => RecordJson.Serialize(item));
        var fresh = new List<T>(items.Count);
        foreach (var item in items)
        {
            if (!stored.TryGetValue(sequence(item), out var json))
            {
                fresh.Add(item);
            }
            else if (json != RecordJson.Serialize(item))
            {
                throw new InvalidOperationException($"{what} {sequence(item)} is already stored with other content");
            }
        }

        return fresh;
    }

    /// <summary>Whether any chunk is stored under <paramref name="prefix"/>: one seek in the id index (a range query scans).</summary>
    private static bool Stored<TChunk>(ILiteCollection<TChunk> chunks, string prefix)
        where TChunk : ISequenceChunk =>
        chunks.FindOne(Query.GT("_id", new BsonValue(prefix))) is { } next && next.Id.StartsWith(prefix, StringComparison.Ordinal);

    public Task<Pipeline?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Pipelines.FindById(id) is { } document ? RecordJson.Deserialize<Pipeline>(document.Json) : null));

    public Task<Page<Pipeline>> ListAsync(string? projectId, RunStatus? status, RunResult? result, IReadOnlySet<string>? orgs, PageRequest page, CancellationToken cancellationToken = default)
    {
        using (store.Reading())
        {
            // Per project the index is projectId:created:id; across projects it is created:id. Both sort newest first.
            var order = projectId is null ? "CreatedOrder" : "ProjectOrder";
            var query = Pipelines.Query();
            if (projectId is not null)
            {
                query = query.Where(Query.And(Query.GT("ProjectOrder", new BsonValue(projectId + ":")), Query.LT("ProjectOrder", new BsonValue(projectId + ";"))));
            }

            if (page.AfterKey is { } after)
            {
                query = query.Where(Query.LT(order, new BsonValue(after)));
            }

            if (status is { } s)
            {
                query = query.Where(p => p.Status == s.ToString());
            }

            if (result is { } r)
            {
                query = query.Where(p => p.Result == r.ToString());
            }

            // The org is the part of the project name before '/', kept in the pipeline even after its project is gone.
            var items = (projectId is null ? query.OrderByDescending(p => p.CreatedOrder) : query.OrderByDescending(p => p.ProjectOrder)).ToEnumerable()
                .Select(d => (Document: d, Pipeline: RecordJson.Deserialize<Pipeline>(d.Json)))
                .Where(x => orgs is null || orgs.Contains(x.Pipeline.ProjectName.Split('/')[0]))
                .Take(page.Size + 1)
                .ToList();
            var next = items.Count > page.Size ? projectId is null ? items[page.Size - 1].Document.CreatedOrder : items[page.Size - 1].Document.ProjectOrder : null;
            return Task.FromResult(new Page<Pipeline>(items.Take(page.Size).Select(x => x.Pipeline).ToList(), next));
        }
    }

    public Task<Pipeline?> GetLastAsync(string projectId, CancellationToken cancellationToken = default)
    {
        using (store.Reading())
        {
            var document = Pipelines.Query()
                .Where(Query.And(Query.GT("ProjectOrder", new BsonValue(projectId + ":")), Query.LT("ProjectOrder", new BsonValue(projectId + ";"))))
                .OrderByDescending(p => p.ProjectOrder)
                .FirstOrDefault();
            return Task.FromResult(document is null ? null : RecordJson.Deserialize<Pipeline>(document.Json));
        }
    }

    public Task<IReadOnlyList<PipelineEvent>> GetEventsAsync(string pipelineId, long afterSequence, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PipelineEvent>>(store.Read(() => Events
            .Find(Query.And(Query.GT("_id", new BsonValue(pipelineId + ":")), Query.LT("_id", new BsonValue(pipelineId + ";"))))
            .Where(chunk => chunk.LastSequence > afterSequence)
            .SelectMany(chunk => RecordJson.Deserialize<List<PipelineEvent>>(chunk.Json))
            .Where(e => e.Sequence > afterSequence)
            .OrderBy(e => e.Sequence)
            .ToList()));

    public Task<IReadOnlyList<LogLine>> GetLogsAsync(string pipelineId, ResourceKey node, long afterSequence, CancellationToken cancellationToken = default)
    {
        using (store.Reading())
        {
            var prefix = $"{pipelineId}|{node}|";
            return Task.FromResult<IReadOnlyList<LogLine>>(Logs
                .Find(Query.And(Query.GT("_id", new BsonValue(prefix)), Query.LT("_id", new BsonValue(prefix + "~"))))
                .Where(chunk => chunk.LastSequence > afterSequence)
                .SelectMany(chunk => RecordJson.Deserialize<List<LogLine>>(chunk.Json))
                .Where(l => l.Sequence > afterSequence)
                .OrderBy(l => l.Sequence)
                .ToList());
        }
    }

    public Task<IReadOnlyList<Pipeline>> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Pipeline>>(store.Read(() => Pipelines
            .Find(p => p.Status != nameof(RunStatus.Completed))
            .Select(d => RecordJson.Deserialize<Pipeline>(d.Json))
            .OrderBy(p => p.CreatedAt)
            .ToList()));

    private static PipelineDocument ToDocument(Pipeline pipeline) => new()
    {
        Id = pipeline.Id,
        ProjectId = pipeline.ProjectId,
        ProjectOrder = $"{pipeline.ProjectId}:{pipeline.CreatedAt.ToUnixTimeMilliseconds():D15}:{pipeline.Id}",
        CreatedOrder = $"{pipeline.CreatedAt.ToUnixTimeMilliseconds():D15}:{pipeline.Id}",
        Status = pipeline.Status.ToString(),
        Result = pipeline.Result.ToString(),
        Json = RecordJson.Serialize(pipeline),
    };
}
