namespace InfraGrpc.Domain.Rendering;

/// <summary>What a render needs besides the chart: values (layers and <c>--set</c> overrides) and the project identity.</summary>
public sealed record RenderInput(
    IReadOnlyList<IReadOnlyDictionary<string, object?>> ValueLayers,
    IReadOnlyList<string> Sets,
    string ProjectName,
    string Org,
    string Env);
