using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Graph;

/// <summary>A resource in the graph with its producers (what it waits for) and consumers (what waits for it).</summary>
public sealed record GraphNode(
    ResourceKey Key,
    string? Group,
    IReadOnlyList<ResourceKey> Producers,
    IReadOnlyList<ResourceKey> Consumers,
    bool RequiresApproval);
