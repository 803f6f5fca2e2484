namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// A pipeline this replica holds: the fencing token every batch it stores for the pipeline carries, and
/// who held it before when the claim took it over from a replica whose lease ran out.
/// </summary>
public sealed record PipelineLease(string PipelineId, string ProjectId, long Fence, string? PreviousOwner);

/// <summary>A cancel request or gate decision for a pipeline that another replica runs.</summary>
public sealed record PipelineCommand(long Id, string PipelineId, PipelineCommandKind Kind, string? GateId, bool Approve, string Actor, string? Comment);

public enum PipelineCommandKind
{
    Cancel,
    Gate,
}

/// <summary>
/// The port through which replicas sharing one database coordinate pipelines (DESIGN §9). The database
/// decides: a replica runs a pipeline only while it holds its lease, a project runs one pipeline at a time
/// (the oldest unfinished, so its queue is FIFO), and a pipeline whose owner died is claimed by another
/// replica, which resumes it. Without this port (the embedded store) the engine coordinates in memory.
/// </summary>
public interface IPipelineCoordination
{
    /// <summary>This replica's name, as leases and takeover events record it.</summary>
    string Replica { get; }

    /// <summary>How long a lease lasts without renewal; the engine renews at a third of it.</summary>
    TimeSpan LeaseDuration { get; }

    /// <summary>
    /// Claims up to <paramref name="max"/> pipelines that may run now: each the oldest unfinished pipeline of its
    /// project, with no owner or an owner whose lease ran out, while no other pipeline of the project is held;
    /// only <paramref name="pipelineId"/> when it is given (a pipeline just queued, started where it was asked for).
    /// </summary>
    Task<IReadOnlyList<PipelineLease>> ClaimAsync(int max, string? pipelineId = null, CancellationToken cancellationToken = default);

    /// <summary>Claims one queued pipeline that nobody holds (to complete it without running it); null when it is held or finished.</summary>
    Task<PipelineLease?> ClaimQueuedAsync(string pipelineId, CancellationToken cancellationToken = default);

    /// <summary>Extends the leases still held; returns the pipelines whose lease was lost to another replica.</summary>
    Task<IReadOnlyList<string>> RenewAsync(IReadOnlyCollection<PipelineLease> leases, CancellationToken cancellationToken = default);

    /// <summary>Gives a finished pipeline's lease up, and wakes the replicas: its project's next pipeline may start.</summary>
    Task ReleaseAsync(PipelineLease lease, CancellationToken cancellationToken = default);

    /// <summary>Whether a pipeline of the project is queued or running on any replica (other than <paramref name="except"/>).</summary>
    bool HasUnfinished(string projectId, string? except = null);

    /// <summary>The purge of the project that is queued or running on any replica, if any.</summary>
    Pipeline? PendingPurge(string projectId);

    /// <summary>
    /// Holds the project's status lock across replicas until disposed: one replica at a time derives and stores a
    /// project's status, each from the state it reads inside the lock, so a slow one cannot overwrite a newer one.
    /// </summary>
    Task<IAsyncDisposable> LockProjectStatusAsync(string projectId, CancellationToken cancellationToken = default);

    /// <summary>Stores a command for the pipeline's owner and wakes it.</summary>
    Task SendAsync(PipelineCommand command, CancellationToken cancellationToken = default);

    /// <summary>The commands for <paramref name="pipelineIds"/> after command <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<PipelineCommand>> CommandsAsync(IReadOnlyCollection<string> pipelineIds, long afterId, CancellationToken cancellationToken = default);

    /// <summary>Wakes the replicas waiting for work (a pipeline was queued).</summary>
    Task NotifyQueuedAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A task that completes at the next sign of work for this replica (a pipeline queued or released, a command
    /// sent). Take it before reading the database: a sign that comes in between is then not missed. Only a hint;
    /// whoever waits on it also polls.
    /// </summary>
    Task WorkSignal();

    /// <summary>A task that completes at the next sign that the pipeline's events or log lines were stored (take it before reading).</summary>
    Task EventsSignal(string pipelineId);
}

/// <summary>A batch refused because this replica no longer holds the lease of the pipelines named.</summary>
public sealed class LeaseLostException(IReadOnlyList<string> pipelineIds)
    : Exception($"the lease of {string.Join(", ", pipelineIds)} is held by another replica; nothing was stored")
{
    public IReadOnlyList<string> PipelineIds { get; } = pipelineIds;
}
