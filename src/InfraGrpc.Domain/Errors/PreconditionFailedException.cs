namespace InfraGrpc.Domain.Errors;

/// <summary>The system is not in a state where the operation is allowed (maps to FAILED_PRECONDITION).</summary>
public sealed class PreconditionFailedException : DomainException
{
    public PreconditionFailedException(string reason, string message, IReadOnlyDictionary<string, string>? metadata = null)
        : base(message)
    {
        Reason = reason;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    public override string Reason { get; }
}
