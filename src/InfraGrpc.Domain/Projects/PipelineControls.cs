namespace InfraGrpc.Domain.Projects;

/// <summary>What changes to a project trigger (DESIGN §4).</summary>
/// <param name="DisablePipelines">Nothing runs automatically.</param>
/// <param name="DisableDeployments">Pipelines run the build stage only.</param>
/// <param name="EnablePullRequestDeployments">Pull requests of a git project get preview projects.</param>
/// <param name="RequireApproval">The deploy stage waits for an approval.</param>
public sealed record PipelineControls(bool DisablePipelines, bool DisableDeployments, bool EnablePullRequestDeployments, bool RequireApproval)
{
    public static PipelineControls Default { get; } = new(false, false, false, false);
}
