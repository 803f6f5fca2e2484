namespace InfraGrpc.Domain.Projects;

/// <summary>The chart a revision rendered: catalog name and version, and the digest of the snapshot the project keeps.</summary>
public sealed record ProjectChart(string Name, string Version, string Digest, bool Inline);
