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
    Gate? Gate = null)
{
    /// <summary>For <see cref="PipelineEventKind.NodeChanged"/>: what happened to the node.</summary>
    public NodeChangeKind NodeChange { get; init; }

    /// <summary>On the terminal event of a purge that succeeded: the project record was deleted.</summary>
    public bool ProjectDeleted { get; init; }
}

/// <summary>What a node event reports, so clients need not diff node states.</summary>
public enum NodeChangeKind
{
    None,
    Started,
    AwaitingApproval,
    OperationStarted,
    OperationFinished,
    Completed,
    Progress,
}

/// <summary>Classifies a change of a stack job.</summary>
public static class NodeChanges
{
    public static NodeChangeKind Classify(StackJob before, StackJob after)
    {
        if (after.Status != before.Status)
        {
            return after.Status switch
            {
                RunStatus.Completed => NodeChangeKind.Completed,
                RunStatus.AwaitingApproval => NodeChangeKind.AwaitingApproval,
                _ => NodeChangeKind.Started,
            };
        }

        var finished = after.Operations.Count(o => o.Status == RunStatus.Completed) > before.Operations.Count(o => o.Status == RunStatus.Completed);
        if (finished)
        {
            return NodeChangeKind.OperationFinished;
        }

        return after.Operations.Count(o => o.Status == RunStatus.Running) > before.Operations.Count(o => o.Status == RunStatus.Running)
            ? NodeChangeKind.OperationStarted
            : NodeChangeKind.Progress;
    }
}
