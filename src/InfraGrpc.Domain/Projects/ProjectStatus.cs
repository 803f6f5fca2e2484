namespace InfraGrpc.Domain.Projects;

/// <summary>The overall deployed state of a project.</summary>
public enum ProjectStatus
{
    New,
    Deploying,
    Deployed,
    Failed,
    Undeployed,
    OutOfSync,
}
