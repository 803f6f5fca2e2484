using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>The build or deploy stage of a pipeline.</summary>
public sealed record Stage(StageKind Kind, RunStatus Status, RunResult Result, string? Reason, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

/// <summary>One operation of a stack job.</summary>
public sealed record Operation(OperationKind Kind, RunStatus Status, RunResult Result, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, string? Message);

/// <summary>The stack job that deploys or destroys one resource.</summary>
public sealed record StackJob(
    RunStatus Status,
    RunResult Result,
    string? Reason,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<Operation> Operations,
    IReadOnlyDictionary<string, object?>? Outputs,
    string Provisioner,
    bool RequiresApproval,
    int LogLineCount);

/// <summary>One node of a pipeline's graph: the resource, what it waits for (producers for an apply, consumers for a destroy), and its stack job.</summary>
public sealed record PipelineNode(ResourceKey Key, IReadOnlyList<ResourceKey> Producers, StackJob Job)
{
    /// <summary>Apply (create or update) or destroy; see <see cref="Reconciler"/>.</summary>
    public NodeAction Action { get; init; }
}

/// <summary>A manual approval the pipeline waits on.</summary>
public sealed record Gate(
    string Id,
    GateScope Scope,
    ResourceKey? Node,
    GateState State,
    string? ResolvedBy,
    string? Comment,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ResolvedAt);

/// <summary>A pipeline: one run of one project revision (DESIGN §5).</summary>
public sealed record Pipeline(
    string Id,
    string ProjectId,
    string ProjectName,
    int Revision,
    PipelineOperation Operation,
    PipelineTrigger Trigger,
    string Actor,
    string? Message,
    RunStatus Status,
    RunResult Result,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<Stage> Stages,
    IReadOnlyList<PipelineNode> Nodes,
    IReadOnlyList<Gate> Gates,
    long LastSequence,
    int Parallelism,
    bool BuildOnly,
    string? CancelledBy)
{
    /// <summary>For git projects: the ref or SHA requested, then the commit the build stage resolved.</summary>
    public string? RequestedCommit { get; init; }

    public Git.GitCommitInfo? Commit { get; init; }

    /// <summary>The W3C trace id of the pipeline's spans (the RPC or webhook that started it, or a new trace).</summary>
    public string? TraceId { get; init; }

    /// <summary>The span that started the pipeline (its span's parent), when there was one.</summary>
    public string? ParentSpanId { get; init; }

    public bool IsCompleted => Status == RunStatus.Completed;
}

/// <summary>One line written by a stack job.</summary>
public sealed record LogLine(long Sequence, DateTimeOffset Time, ResourceKey Node, OperationKind Operation, LogSource Source, string Text);
