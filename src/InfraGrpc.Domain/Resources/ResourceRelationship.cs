namespace InfraGrpc.Domain.Resources;

/// <summary>An entry of <c>metadata.relationships</c>: the resource waits for <paramref name="Target"/>.</summary>
public sealed record ResourceRelationship(ResourceKey Target, RelationshipType Type);
