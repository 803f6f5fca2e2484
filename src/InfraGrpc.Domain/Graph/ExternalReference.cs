using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Graph;

/// <summary>A reference from a resource of the project to a resource of another project of the same org.</summary>
public sealed record ExternalReference(ResourceKey From, ResourceKey Target, string? Env, string FieldPath);
