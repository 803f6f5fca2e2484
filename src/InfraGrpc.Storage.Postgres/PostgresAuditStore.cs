using InfraGrpc.Domain.Access;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Storage.Postgres;

/// <summary>The audit trail in PostgreSQL, one row per event, read newest first by id (ids sort by time).</summary>
public sealed class PostgresAuditStore(PostgresStore store) : IAuditStore
{
    public async Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(
            Sql.Command(
                store.DataSource,
                "INSERT INTO audit_events (id, org, actor, method, record) VALUES ($1, $2, $3, $4, $5)",
                auditEvent.Id,
                auditEvent.Org,
                auditEvent.Actor,
                auditEvent.Method,
                RecordJson.Serialize(auditEvent)),
            cancellationToken);

    public Task SetOutcomeAsync(string id, string outcome, CancellationToken cancellationToken = default) =>
        store.InTransactionAsync(
            async (connection, transaction) =>
            {
                var stored = (await Sql.ListAsync(Sql.Command(connection, transaction, "SELECT record FROM audit_events WHERE id = $1 FOR UPDATE", id), r => RecordJson.Deserialize<AuditEvent>(r.GetString(0)), cancellationToken))
                    .SingleOrDefault();
                return stored is not null
                    && await Sql.ExecuteAsync(Sql.Command(connection, transaction, "UPDATE audit_events SET record = $2 WHERE id = $1", id, RecordJson.Serialize(stored with { Outcome = outcome })), cancellationToken) > 0;
            },
            cancellationToken);

    public async Task<Page<AuditEvent>> ListAsync(AuditFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        // A method matches by its full name or by its last segment ("CreateProject" for ".../CreateProject").
        var rows = await Sql.ListAsync(
            Sql.Command(
                store.DataSource,
                """
                SELECT id, record FROM audit_events
                WHERE ($1::text IS NULL OR id < $1)
                  AND ($2::text IS NULL OR org = $2)
                  AND ($3::text IS NULL OR actor = $3)
                  AND ($4::text[] IS NULL OR org = ANY($4))
                  AND ($5::text IS NULL OR method = $5 OR right(method, length($5) + 1) = '/' || $5)
                ORDER BY id DESC
                LIMIT $6
                """,
                page.AfterKey,
                filter.Org,
                filter.Actor,
                filter.Orgs?.ToArray(),
                filter.Method,
                page.Size + 1),
            r => (Id: r.GetString(0), Event: RecordJson.Deserialize<AuditEvent>(r.GetString(1))),
            cancellationToken);
        var next = rows.Count > page.Size ? rows[page.Size - 1].Id : null;
        return new Page<AuditEvent>(rows.Take(page.Size).Select(r => r.Event).ToList(), next);
    }
}
