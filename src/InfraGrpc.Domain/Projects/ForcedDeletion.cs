namespace InfraGrpc.Domain.Projects;

/// <summary>What a forced deletion removed; <paramref name="Busy"/> when it removed nothing because a pipeline of the project is active.</summary>
public sealed record ForcedDeletion(string ProjectId, string QualifiedName, int ResourceRecords, bool Busy = false);
