namespace InfraGrpc.Domain.Pipelines;

/// <summary>Engine settings (<c>InfraGrpc:Pipelines:*</c>).</summary>
public sealed class PipelineEngineOptions
{
    /// <summary>How many stack jobs of one pipeline run at once.</summary>
    public int Parallelism { get; set; } = 8;
}
