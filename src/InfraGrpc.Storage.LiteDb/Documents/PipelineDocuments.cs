namespace InfraGrpc.Storage.LiteDb.Documents;

/// <summary>A pipeline's latest state, written once per batch. Indexed by project and creation order.</summary>
internal sealed class PipelineDocument
{
    public const string Collection = "pipelines";

    public string Id { get; set; } = string.Empty;

    public string ProjectId { get; set; } = string.Empty;

    /// <summary><c>projectId:createdAtMs:id</c>: newest-first listing per project by index.</summary>
    public string ProjectOrder { get; set; } = string.Empty;

    public string Status { get; set; } = string.Empty;

    public string Result { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;
}

/// <summary>One appended pipeline event. Id is <c>pipelineId:sequence</c> zero-padded, so a range scan replays in order.</summary>
internal sealed class PipelineEventDocument
{
    public const string Collection = "pipeline_events";

    public string Id { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;

    public static string IdOf(string pipelineId, long sequence) => $"{pipelineId}:{sequence:D12}";
}

/// <summary>One appended log line. Id is <c>pipelineId|Kind/name|sequence</c> zero-padded.</summary>
internal sealed class LogLineDocument
{
    public const string Collection = "stack_job_logs";

    public string Id { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;

    public static string IdOf(string pipelineId, string node, long sequence) => $"{pipelineId}|{node}|{sequence:D10}";
}

/// <summary>One resource of the simulated cloud.</summary>
internal sealed class SimulatedResourceDocument
{
    public const string Collection = "simulated_inventory";

    public string Id { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public string OutputsJson { get; set; } = string.Empty;
}
