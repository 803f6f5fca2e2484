using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Storage.LiteDb.Documents;
using LiteDB;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>Pipelines in LiteDB: one document per pipeline (rewritten per batch), events and log lines appended by ordered ids.</summary>
public sealed class LiteDbPipelineStore(LiteDbStore store) : IPipelineStore
{
    private ILiteCollection<PipelineDocument> Pipelines => store.Database.GetCollection<PipelineDocument>(PipelineDocument.Collection);

    private ILiteCollection<PipelineEventDocument> Events => store.Database.GetCollection<PipelineEventDocument>(PipelineEventDocument.Collection);

    private ILiteCollection<LogLineDocument> Logs => store.Database.GetCollection<LogLineDocument>(LogLineDocument.Collection);

    public Task InsertAsync(Pipeline pipeline, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() => Pipelines.Insert(ToDocument(pipeline)));
        return Task.CompletedTask;
    }

    public Task SaveBatchAsync(
        IReadOnlyList<Pipeline> pipelines, IReadOnlyList<PipelineEvent> events, IReadOnlyList<(string PipelineId, LogLine Line)> logs, CancellationToken cancellationToken = default)
    {
        var pipelineDocuments = pipelines.Select(ToDocument).ToList();
        var eventDocuments = events.Select(e => new PipelineEventDocument { Id = PipelineEventDocument.IdOf(e.PipelineId, e.Sequence), Json = RecordJson.Serialize(e) }).ToList();
        var logDocuments = logs.Select(l => new LogLineDocument { Id = LogLineDocument.IdOf(l.PipelineId, l.Line.Node.ToString(), l.Line.Sequence), Json = RecordJson.Serialize(l.Line) }).ToList();
        store.InTransaction(() =>
        {
            foreach (var document in pipelineDocuments)
            {
                Pipelines.Upsert(document);
            }

            Events.Upsert(eventDocuments);
            Logs.Upsert(logDocuments);
            return true;
        });
        return Task.CompletedTask;
    }

    public Task<Pipeline?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Pipelines.FindById(id) is { } document ? RecordJson.Deserialize<Pipeline>(document.Json) : null);

    public Task<Page<Pipeline>> ListAsync(string? projectId, RunStatus? status, RunResult? result, PageRequest page, CancellationToken cancellationToken = default)
    {
        var query = Pipelines.Query();
        if (projectId is not null)
        {
            query = query.Where(Query.And(Query.GT("ProjectOrder", new BsonValue(projectId + ":")), Query.LT("ProjectOrder", new BsonValue(projectId + ";"))));
        }

        if (page.AfterKey is { } after)
        {
            query = query.Where(Query.LT("ProjectOrder", new BsonValue(after)));
        }

        if (status is { } s)
        {
            query = query.Where(p => p.Status == s.ToString());
        }

        if (result is { } r)
        {
            query = query.Where(p => p.Result == r.ToString());
        }

        var items = query.OrderByDescending(p => p.ProjectOrder).Limit(page.Size + 1).ToList();
        var next = items.Count > page.Size ? PageToken.Encode(items[page.Size - 1].ProjectOrder) : null;
        return Task.FromResult(new Page<Pipeline>(items.Take(page.Size).Select(d => RecordJson.Deserialize<Pipeline>(d.Json)).ToList(), next));
    }

    public Task<Pipeline?> GetLastAsync(string projectId, CancellationToken cancellationToken = default)
    {
        var document = Pipelines.Query()
            .Where(Query.And(Query.GT("ProjectOrder", new BsonValue(projectId + ":")), Query.LT("ProjectOrder", new BsonValue(projectId + ";"))))
            .OrderByDescending(p => p.ProjectOrder)
            .FirstOrDefault();
        return Task.FromResult(document is null ? null : RecordJson.Deserialize<Pipeline>(document.Json));
    }

    public Task<IReadOnlyList<PipelineEvent>> GetEventsAsync(string pipelineId, long afterSequence, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PipelineEvent>>(Events
            .Find(Query.And(Query.GT("_id", new BsonValue(PipelineEventDocument.IdOf(pipelineId, afterSequence))), Query.LT("_id", new BsonValue(pipelineId + ";"))))
            .Select(d => RecordJson.Deserialize<PipelineEvent>(d.Json))
            .ToList());

    public Task<IReadOnlyList<LogLine>> GetLogsAsync(string pipelineId, ResourceKey node, long afterSequence, CancellationToken cancellationToken = default)
    {
        var prefix = $"{pipelineId}|{node}|";
        return Task.FromResult<IReadOnlyList<LogLine>>(Logs
            .Find(Query.And(Query.GT("_id", new BsonValue(LogLineDocument.IdOf(pipelineId, node.ToString(), afterSequence))), Query.LT("_id", new BsonValue(prefix + "~"))))
            .Select(d => RecordJson.Deserialize<LogLine>(d.Json))
            .ToList());
    }

    public Task<IReadOnlyList<Pipeline>> ListUnfinishedAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Pipeline>>(Pipelines
            .Find(p => p.Status != nameof(RunStatus.Completed))
            .Select(d => RecordJson.Deserialize<Pipeline>(d.Json))
            .OrderBy(p => p.CreatedAt)
            .ToList());

    private static PipelineDocument ToDocument(Pipeline pipeline) => new()
    {
        Id = pipeline.Id,
        ProjectId = pipeline.ProjectId,
        ProjectOrder = $"{pipeline.ProjectId}:{pipeline.CreatedAt.ToUnixTimeMilliseconds():D15}:{pipeline.Id}",
        Status = pipeline.Status.ToString(),
        Result = pipeline.Result.ToString(),
        Json = RecordJson.Serialize(pipeline),
    };
}
