namespace InfraGrpc.Domain.Projects;

/// <summary>What created a revision.</summary>
public enum RevisionCause
{
    Create,
    Update,
    Upgrade,
    Rollback,
    GitPush,
}
