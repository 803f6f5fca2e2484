using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Projects;

/// <summary>The audit record of a deleted project, naming any resources it left deployed (orphaned).</summary>
public sealed record ProjectDeletion(string ProjectId, string QualifiedName, string Actor, DateTimeOffset DeletedAt, IReadOnlyList<ResourceKey> Orphaned);
