using InfraGrpc.Domain.Paging;

namespace InfraGrpc.Domain.Access;

/// <summary>One recorded call: who, what, which target, the outcome, when, the request id and the client address.</summary>
public sealed record AuditEvent(
    string Id, DateTimeOffset At, string Actor, string Method, string Org, string Target, string Outcome, string RequestId, string ClientAddress);

/// <summary>Audit trail filters; null means any. <see cref="Orgs"/> limits to the orgs the caller administers (null: every org).</summary>
public sealed record AuditFilter(string? Org, string? Actor, string? Method, IReadOnlySet<string>? Orgs);

/// <summary>The storage port of the audit trail: append-only, read newest first.</summary>
public interface IAuditStore
{
    Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>Sets the outcome of an event appended before its call ran.</summary>
    Task SetOutcomeAsync(string id, string outcome, CancellationToken cancellationToken = default);

    Task<Page<AuditEvent>> ListAsync(AuditFilter filter, PageRequest page, CancellationToken cancellationToken = default);
}
