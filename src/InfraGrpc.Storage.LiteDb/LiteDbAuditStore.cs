using InfraGrpc.Domain.Access;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Values;
using InfraGrpc.Storage.LiteDb.Documents;
using LiteDB;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>The audit trail in LiteDB, one document per event.</summary>
public sealed class LiteDbAuditStore(LiteDbStore store) : IAuditStore
{
    private ILiteCollection<AuditEventDocument> Events => store.Database.GetCollection<AuditEventDocument>(AuditEventDocument.Collection);

    public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() => Events.Insert(new AuditEventDocument
        {
            Id = auditEvent.Id,
            Org = auditEvent.Org,
            Actor = auditEvent.Actor,
            Method = auditEvent.Method,
            Json = RecordJson.Serialize(auditEvent),
        }));
        return Task.CompletedTask;
    }

    public Task SetOutcomeAsync(string id, string outcome, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() =>
        {
            if (Events.FindById(id) is not { } document)
            {
                return false;
            }

            document.Json = RecordJson.Serialize(RecordJson.Deserialize<AuditEvent>(document.Json) with { Outcome = outcome });
            return Events.Update(document);
        });
        return Task.CompletedTask;
    }

    public Task<Page<AuditEvent>> ListAsync(AuditFilter filter, PageRequest page, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() =>
        {
            var query = Events.Query();
            if (page.AfterKey is { } after)
            {
                query = query.Where(Query.LT("_id", new BsonValue(after)));
            }

            if (filter.Org is { } org)
            {
                query = query.Where(e => e.Org == org);
            }

            if (filter.Actor is { } actor)
            {
                query = query.Where(e => e.Actor == actor);
            }

            var items = query.OrderByDescending(e => e.Id).ToEnumerable()
                .Where(e => (filter.Orgs is null || filter.Orgs.Contains(e.Org)) && (filter.Method is null || e.Method == filter.Method || e.Method.EndsWith("/" + filter.Method, StringComparison.Ordinal)))
                .Take(page.Size + 1)
                .ToList();
            var next = items.Count > page.Size ? items[page.Size - 1].Id : null;
            return new Page<AuditEvent>(items.Take(page.Size).Select(e => RecordJson.Deserialize<AuditEvent>(e.Json)).ToList(), next);
        }));
}
