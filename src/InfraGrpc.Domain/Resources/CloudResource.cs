namespace InfraGrpc.Domain.Resources;

/// <summary>Identity, grouping and ordering information of a Cloud Resource manifest.</summary>
public sealed record ResourceMetadata(
    string Name,
    string? Env,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    string? Group,
    IReadOnlyList<ResourceRelationship> Relationships);

/// <summary>
/// One validated Cloud Resource manifest (DESIGN §2). <see cref="Document"/> is the whole manifest as a
/// value tree, which is what provisioners receive once references are resolved.
/// </summary>
public sealed record CloudResource(
    string ApiVersion,
    string Kind,
    ResourceMetadata Metadata,
    IReadOnlyDictionary<string, object?> Spec,
    IReadOnlyList<ValueReference> References,
    string SourceFile,
    string Yaml,
    IReadOnlyDictionary<string, object?> Document)
{
    /// <summary>The label that makes a resource wait for an approval before it deploys.</summary>
    public const string GateLabel = "infragrpc.dev/gate";

    public ResourceKey Key => new(Kind, Metadata.Name);

    /// <summary>Whether the resource carries <c>infragrpc.dev/gate: manual</c>.</summary>
    public bool RequiresApproval =>
        Metadata.Labels.TryGetValue(GateLabel, out var gate) && string.Equals(gate, "manual", StringComparison.OrdinalIgnoreCase);
}
