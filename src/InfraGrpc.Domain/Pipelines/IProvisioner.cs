using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>One operation of a stack job, handed to a provisioner with the manifest whose references are resolved.</summary>
public sealed record ProvisionerRequest(
    string ProjectId,
    string ProjectName,
    string Env,
    ResourceKey Key,
    OperationKind Operation,
    IReadOnlyDictionary<string, object?> Manifest,
    IReadOnlyDictionary<string, object?> PreviousOutputs,
    Action<LogSource, string> Log)
{
    /// <summary>The W3C traceparent of the operation's span, for an external provisioner's own spans to join.</summary>
    public string? TraceParent { get; init; }
}

/// <summary>What an operation produced: success, a one-line message, and (after apply) the outputs.</summary>
public sealed record ProvisionerOutcome(bool Succeeded, string Message, IReadOnlyDictionary<string, object?>? Outputs = null)
{
    /// <summary>
    /// For the simulated provisioner: the change its operation makes to the simulated inventory. It is stored
    /// in the same transaction as the event that reports the operation, so the simulated cloud, the record
    /// and the event agree after any crash.
    /// </summary>
    public InventoryChange? Inventory { get; init; }

    public static ProvisionerOutcome Ok(string message, IReadOnlyDictionary<string, object?>? outputs = null) => new(true, message, outputs);

    public static ProvisionerOutcome Fail(string message) => new(false, message);
}

/// <summary>Does the work of a stack job (DESIGN §5): simulated in-process, or an external command.</summary>
public interface IProvisioner
{
    string Name { get; }

    /// <summary>Runs one operation. Cancellation means the pipeline was cancelled or timed out: stop and return.</summary>
    Task<ProvisionerOutcome> RunAsync(ProvisionerRequest request, CancellationToken cancellationToken);
}

/// <summary>Chooses the provisioner for a resource kind.</summary>
public interface IProvisionerSelector
{
    IProvisioner ForKind(string kind);
}
