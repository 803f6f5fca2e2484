namespace InfraGrpc.Domain.Charts;

/// <summary>The Chart.yaml flavour a chart uses.</summary>
public enum ChartFormat
{
    /// <summary><c>apiVersion: infragrpc.dev/v1</c>, version in spec.version.</summary>
    InfraGrpc,

    /// <summary>A Planton chart (<c>infra-hub.planton.ai/v1</c>): the version is given at publish time.</summary>
    Planton,
}
