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
        CancellationToken cancellationToken = default)
    {
        var pipelineDocuments = pipelines.Select(ToDocument).ToList();
        var eventDocuments = events.GroupBy(e => e.PipelineId).Select(g => new PipelineEventChunkDocument
        {
            Id = PipelineEventChunkDocument.IdOf(g.Key, g.Min(e => e.Sequence)),
            LastSequence = g.Max(e => e.Sequence),
            Json = RecordJson.Serialize(g.OrderBy(e => e.Sequence).ToList()),
        }).ToList();
        var logDocuments = logs.GroupBy(l => (l.PipelineId, Node: l.Line.Node.ToString())).Select(g => new LogChunkDocument
        {
            Id = LogChunkDocument.IdOf(g.Key.PipelineId, g.Key.Node, g.Min(l => l.Line.Sequence)),
            LastSequence = g.Max(l => l.Line.Sequence),
            Json = RecordJson.Serialize(g.Select(l => l.Line).OrderBy(l => l.Sequence).ToList()),
        }).ToList();
        var firstSequences = events.GroupBy(e => e.PipelineId).Select(g => (PipelineId: g.Key, First: g.Min(e => e.Sequence), Distinct: g.Select(e => e.Sequence).Distinct().Count() == g.Count())).ToList();
        store.InTransaction(() =>
        {
            // An event's sequence is written once per pipeline, as PostgreSQL's key enforces: a batch that repeats one is refused whole.
            foreach (var (pipelineId, first, distinct) in firstSequences)
            {
                var last = Events.Query()
                    .Where(Query.And(Query.GT("_id", new BsonValue(pipelineId + ":")), Query.LT("_id", new BsonValue(pipelineId + ";"))))
                    .OrderByDescending(c => c.Id)
                    .FirstOrDefault();
                if (!distinct || (last is not null && last.LastSequence >= first))
                {
                    throw new InvalidOperationException($"pipeline {pipelineId}: event {first} or a later one of this batch is already stored");
                }
            }

            foreach (var document in pipelineDocuments)
            {
                Pipelines.Upsert(document);
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
