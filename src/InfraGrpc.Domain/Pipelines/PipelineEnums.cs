namespace InfraGrpc.Domain.Pipelines;

/// <summary>What a pipeline does to the resources.</summary>
public enum PipelineOperation
{
    Deploy,
    Undeploy,
}

/// <summary>What requested a pipeline.</summary>
public enum PipelineTrigger
{
    Create,
    Update,
    Manual,
    Rollback,
    GitPush,
    PullRequest,
    Purge,
}

/// <summary>Where a pipeline, stage, stack job or operation is (Planton's status; the result is separate).</summary>
public enum RunStatus
{
    Queued,
    Running,
    AwaitingApproval,
    Completed,
}

/// <summary>How a completed pipeline, stage, stack job or operation ended; <see cref="None"/> until completed.</summary>
public enum RunResult
{
    None,
    Succeeded,
    Failed,
    Cancelled,
    Skipped,
}

/// <summary>The two stages of a pipeline.</summary>
public enum StageKind
{
    Build,
    Deploy,
}

/// <summary>The operations of a stack job.</summary>
public enum OperationKind
{
    Refresh,
    Preview,
    Apply,
    Destroy,
}

/// <summary>What a manual gate guards.</summary>
public enum GateScope
{
    Pipeline,
    Resource,
}

/// <summary>Where a manual gate stands.</summary>
public enum GateState
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>The origin of a log line (stdout, stderr, or InfraGrpc itself).</summary>
public enum LogSource
{
    Stdout,
    Stderr,
    System,
}
