namespace InfraGrpc.Storage.LiteDb.Documents;

/// <summary>A pipeline's latest state, written once per batch. Indexed by project and creation order.</summary>
internal sealed class PipelineDocument
{
    public const string Collection = "pipelines";

    public string Id { get; set; } = string.Empty;

    public string ProjectId { get; set; } = string.Empty;

    /// <summary><c>projectId:createdAtMs:id</c>: newest-first listing per project by index.</summary>
    public string ProjectOrder { get; set; } = string.Empty;

    /// <summary><c>createdAtMs:id</c>: newest-first listing across projects by index.</summary>
    public string CreatedOrder { get; set; } = string.Empty;

    public string Status { get; set; } = string.Empty;

    public string Result { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;
}

/// <summary>
/// The events of one pipeline written in one batch, appended as one document (a 1,000-node pipeline
/// makes about 12,000 events; one document each made the store the engine's main cost). Id is
/// <c>pipelineId:firstSequence</c> zero-padded, so a range scan replays chunks in order.
/// </summary>
internal sealed class PipelineEventChunkDocument : ISequenceChunk
{
    public const string Collection = "pipeline_event_chunks";

    public string Id { get; set; } = string.Empty;

    public long LastSequence { get; set; }

    /// <summary>The events as a JSON array.</summary>
    public string Json { get; set; } = string.Empty;

    public static string IdOf(string pipelineId, long sequence) => $"{pipelineId}:{sequence:D12}";
}

/// <summary>The log lines of one node written in one batch. Id is <c>pipelineId|Kind/name|firstSequence</c> zero-padded.</summary>
internal sealed class LogChunkDocument : ISequenceChunk
{
    public const string Collection = "stack_job_log_chunks";

    public string Id { get; set; } = string.Empty;

    public long LastSequence { get; set; }

    /// <summary>The lines as a JSON array.</summary>
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

/// <summary>An API token: the record as JSON (the secret only as its hash), indexed by owner.</summary>
internal sealed class AccessTokenDocument
{
    public const string Collection = "access_tokens";

    public string Id { get; set; } = string.Empty;

    public string Owner { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;
}

/// <summary>A role binding made through the API.</summary>
internal sealed class RoleBindingDocument
{
    public const string Collection = "role_bindings";

    public string Id { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;
}

/// <summary>One audit event; the id is time-ordered, so listing newest first is a reverse scan.</summary>
internal sealed class AuditEventDocument
{
    public const string Collection = "audit_events";

    public string Id { get; set; } = string.Empty;

    public string Org { get; set; } = string.Empty;

    public string Actor { get; set; } = string.Empty;

    public string Method { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;
}

/// <summary>A chunk of items appended in one batch: the last sequence it holds, and the items as a JSON array.</summary>
internal interface ISequenceChunk
{
    string Id { get; }

    long LastSequence { get; }

    string Json { get; }
}
