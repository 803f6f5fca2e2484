namespace InfraGrpc.Domain.Charts;

/// <summary>One parameter a chart declares under <c>params:</c> in values.yaml.</summary>
public sealed record ChartParameter(
    string Name,
    string? Description,
    ParameterType Type,
    bool HasDefault,
    object? DefaultValue,
    bool Required,
    IReadOnlyList<string> EnumValues)
{
    /// <summary>
    /// A secret (<c>sensitive: true</c>, Terraform's notion): a string without a default, stored encrypted,
    /// masked in every read, diff and log, and handed in clear only to the provisioner.
    /// </summary>
    public bool Sensitive { get; init; }
}
