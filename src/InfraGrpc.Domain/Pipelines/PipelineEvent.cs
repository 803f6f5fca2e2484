namespace InfraGrpc.Domain.Pipelines;

/// <summary>The kinds of change a watcher receives.</summary>
public enum PipelineEventKind
{
    Snapshot,
    PipelineChanged,
    StageChanged,
    NodeChanged,
    GateChanged,
}

/// <summary>
/// One change of a pipeline with its monotonic sequence number. Exactly one payload is set, matching
/// <see cref="Kind"/>; <see cref="Terminal"/> marks the last event of the pipeline.
/// </summary>
public sealed record PipelineEvent(
    string PipelineId,
    long Sequence,
    DateTimeOffset Time,
    PipelineEventKind Kind,
    bool Terminal,
    Pipeline? Snapshot = null,
    (RunStatus Status, RunResult Result, string? Reason)? PipelineStatus = null,
    Stage? Stage = null,
    PipelineNode? Node = null,
    Gate? Gate = null);
