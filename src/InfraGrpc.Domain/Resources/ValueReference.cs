namespace InfraGrpc.Domain.Resources;

/// <summary>
/// A <c>valueFrom</c> found under a manifest's spec: the value at <paramref name="Location"/> is read at
/// deploy time from <paramref name="FieldPath"/> of <paramref name="Target"/>.
/// </summary>
/// <param name="Target">The producer's kind and name.</param>
/// <param name="Env">The producer's environment when it lives in another project; null for the same env.</param>
/// <param name="FieldPath">The normalised path read from the producer, e.g. <c>status.outputs.subnets[0].id</c>.</param>
/// <param name="Location">Where under spec the reference stands, e.g. <c>spec.network.vpcId</c>.</param>
public sealed record ValueReference(ResourceKey Target, string? Env, FieldPath FieldPath, string Location);
