namespace InfraGrpc.Domain.Charts;

/// <summary>One parameter a chart declares under <c>params:</c> in values.yaml.</summary>
public sealed record ChartParameter(
    string Name,
    string? Description,
    ParameterType Type,
    bool HasDefault,
    object? DefaultValue,
    bool Required,
    IReadOnlyList<string> EnumValues);
