namespace InfraGrpc.Domain.Pipelines;

/// <summary>A request for a pipeline of one project revision.</summary>
public sealed record PipelineRequest(
    string ProjectId,
    int Revision,
    PipelineOperation Operation,
    PipelineTrigger Trigger,
    string Actor,
    string? Message)
{
    /// <summary>For git projects: the branch, tag or SHA to build (default the tracked ref).</summary>
    public string? Commit { get; init; }
}

/// <summary>
/// What projects need from the pipeline engine: start (or queue) a pipeline. The engine decides from
/// the project's controls whether it deploys or only builds.
/// </summary>
public interface IPipelineLauncher
{
    Task<Pipeline> LaunchAsync(PipelineRequest request, CancellationToken cancellationToken = default);

    /// <summary>Whether a pipeline of the project is queued or running.</summary>
    bool HasActivePipeline(string projectId);

    /// <summary>The purge pipeline of the project that is queued or running, if any.</summary>
    Pipeline? PendingPurge(string projectId);
}
