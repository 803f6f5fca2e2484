using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Projects;

/// <summary>What the status rule reads: the project's pipelines and its resource records.</summary>
/// <param name="PipelineActive">A pipeline of the project is queued or running.</param>
/// <param name="LastDecisive">The newest completed pipeline that succeeded with its deploy stage run, or failed; cancelled, skipped and build-only pipelines change nothing.</param>
/// <param name="Records">The resource records.</param>
/// <param name="InSync">Whether a deployed resource matches the current revision's manifest of it (false when it is not in it).</param>
/// <param name="CurrentKeys">The resources of the current revision.</param>
public sealed record ProjectStatusInput(
    bool PipelineActive,
    Pipeline? LastDecisive,
    IReadOnlyList<ProjectResource> Records,
    Func<ProjectResource, bool> InSync,
    IReadOnlyCollection<ResourceKey> CurrentKeys);

/// <summary>
/// The one rule that derives a project's status, first match wins (also in the proto and docs/lifecycle.md):
/// <list type="number">
/// <item>DEPLOYING: a pipeline of the project is queued or running.</item>
/// <item>FAILED: a resource's last operation failed, or the newest decisive pipeline failed.</item>
/// <item>DEPLOYED: every resource of the current revision is deployed as that revision renders it, and nothing else is.</item>
/// <item>OUT_OF_SYNC: something is deployed, but not exactly the current revision (a pipeline was cancelled or rejected, pipelines or deployments are disabled).</item>
/// <item>UNDEPLOYED: nothing is deployed, and something was once.</item>
/// <item>NEW: nothing was ever deployed.</item>
/// </list>
/// </summary>
public static class ProjectStatusRule
{
    public static ProjectStatus Derive(ProjectStatusInput input)
    {
        if (input.PipelineActive)
        {
            return ProjectStatus.Deploying;
        }

        if (input.Records.Any(r => r.State == ResourceState.Failed) || input.LastDecisive?.Result == RunResult.Failed)
        {
            return ProjectStatus.Failed;
        }

        var deployed = input.Records.Where(r => r.State == ResourceState.Deployed).ToList();
        if (deployed.Count == 0)
        {
            return input.Records.Count > 0 ? ProjectStatus.Undeployed : ProjectStatus.New;
        }

        var deployedKeys = deployed.Select(r => r.Key).ToHashSet();
        var exact = deployed.Count == input.CurrentKeys.Count && input.CurrentKeys.All(deployedKeys.Contains) && deployed.All(input.InSync);
        return exact ? ProjectStatus.Deployed : ProjectStatus.OutOfSync;
    }

    /// <summary>Whether a pipeline decides the status: it failed, or it succeeded and ran its deploy stage.</summary>
    public static bool IsDecisive(Pipeline pipeline, RunResult result) =>
        result == RunResult.Failed || (result == RunResult.Succeeded && !pipeline.BuildOnly);
}
