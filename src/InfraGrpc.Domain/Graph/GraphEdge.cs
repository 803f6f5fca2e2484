using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Graph;

/// <summary>Why an edge exists.</summary>
public enum EdgeKind
{
    Reference,
    Relationship,
}

/// <summary>A dependency inside a project: <paramref name="From"/> (the producer) deploys before <paramref name="To"/>.</summary>
public sealed record GraphEdge(ResourceKey From, ResourceKey To, EdgeKind Kind, string? FieldPath, RelationshipType? RelationshipType);
