using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// The storage port of pipelines. Events and log lines are appended; the pipeline document is written
/// once per batch, never once per event.
/// </summary>
public interface IPipelineStore
{
    Task InsertAsync(Pipeline pipeline, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a batch in one transaction: the latest state of each pipeline in it, the new events and log
    /// lines, and the resource records (state and outputs) and simulated inventory changes those events
    /// report, so that a record and the event that reports it are stored together or not at all.
    /// With <paramref name="fences"/> (pipeline id → fencing token, when replicas share the store), the batch is
    /// stored only if every token is still its pipeline's current one, and otherwise nothing of it is stored
    /// (<see cref="LeaseLostException"/>). The embedded store has one server and keeps no tokens.
    /// </summary>
    Task SaveBatchAsync(
        IReadOnlyList<Pipeline> pipelines,
        IReadOnlyList<PipelineEvent> events,
        IReadOnlyList<(string PipelineId, LogLine Line)> logs,
        IReadOnlyList<Projects.ProjectResource>? resources = null,
        IReadOnlyList<InventoryChange>? inventory = null,
        IReadOnlyDictionary<string, long>? fences = null,
        CancellationToken cancellationToken = default);

    Task<Pipeline?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Newest first; only pipelines of projects in <paramref name="orgs"/> when it is set.</summary>
    Task<Page<Pipeline>> ListAsync(string? projectId, RunStatus? status, RunResult? result, IReadOnlySet<string>? orgs, PageRequest page, CancellationToken cancellationToken = default);

    Task<Pipeline?> GetLastAsync(string projectId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PipelineEvent>> GetEventsAsync(string pipelineId, long afterSequence, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<LogLine>> GetLogsAsync(string pipelineId, ResourceKey node, long afterSequence, CancellationToken cancellationToken = default);

    /// <summary>Pipelines not completed, oldest first (for recovery at start-up).</summary>
    Task<IReadOnlyList<Pipeline>> ListUnfinishedAsync(CancellationToken cancellationToken = default);
}
