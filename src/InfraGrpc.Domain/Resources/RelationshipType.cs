namespace InfraGrpc.Domain.Resources;

/// <summary>What an ordering-only relationship means; every type orders the target first.</summary>
public enum RelationshipType
{
    DependsOn,
    Uses,
    RunsOn,
    ManagedBy,
}
