using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Domain.Projects;

/// <summary>The operations a project's controls gate.</summary>
public enum ControlledOperation
{
    /// <summary>The pipeline a create, update, upgrade, rollback, git push or pull request starts by itself.</summary>
    AutomaticDeploy,

    /// <summary>RunPipeline with operation DEPLOY (a redeploy or a git commit).</summary>
    RunPipeline,

    /// <summary>UndeployProject, or RunPipeline with operation UNDEPLOY.</summary>
    Undeploy,

    /// <summary>PurgeProject while something is deployed.</summary>
    Purge,
}

/// <summary>
/// Which controls gate which operations. Controls are the project's current policy: they are changed only
/// by UpdateProject and are never restored by a rollback. The table (also in the proto and docs/lifecycle.md):
/// <list type="table">
/// <item>disable_pipelines: automatic deploys only record the revision; RunPipeline, undeploy and purge are refused.</item>
/// <item>disable_deployments: every deploy pipeline stops after the build stage; undeploy and purge are refused.</item>
/// <item>require_approval: every deploy and undeploy pipeline (purge included) waits at a gate before its deploy stage.</item>
/// </list>
/// DeleteProject destroys nothing and is gated by none of them.
/// </summary>
public static class ControlPolicy
{
    /// <summary>Whether an automatic deploy starts a pipeline at all.</summary>
    public static bool StartsPipeline(PipelineControls controls) => !controls.DisablePipelines;

    /// <summary>Refuses an explicitly requested operation that the controls forbid.</summary>
    /// <exception cref="PreconditionFailedException">PIPELINES_DISABLED or DEPLOYMENTS_DISABLED.</exception>
    public static void CheckExplicit(Project project, ControlledOperation operation)
    {
        var what = operation switch
        {
            ControlledOperation.Undeploy => "undeploy",
            ControlledOperation.Purge => "purge",
            _ => "run a pipeline",
        };
        if (project.Controls.DisablePipelines)
        {
            throw new PreconditionFailedException(
                "PIPELINES_DISABLED",
                $"pipelines are disabled for {project.QualifiedName}; cannot {what}. Clear controls.disable_pipelines with UpdateProject first",
                new Dictionary<string, string> { ["project"] = project.QualifiedName, ["control"] = "disable_pipelines" });
        }

        if (project.Controls.DisableDeployments && operation is ControlledOperation.Undeploy or ControlledOperation.Purge)
        {
            throw new PreconditionFailedException(
                "DEPLOYMENTS_DISABLED",
                $"deployments are disabled for {project.QualifiedName}; cannot {what}, which destroys resources. Clear controls.disable_deployments with UpdateProject first",
                new Dictionary<string, string> { ["project"] = project.QualifiedName, ["control"] = "disable_deployments" });
        }
    }
}
