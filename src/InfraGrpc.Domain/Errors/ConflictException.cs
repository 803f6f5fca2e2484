namespace InfraGrpc.Domain.Errors;

/// <summary>The entity already exists with different content (maps to ALREADY_EXISTS).</summary>
public sealed class ConflictException : DomainException
{
    public ConflictException(string reason, string message, IReadOnlyDictionary<string, string>? metadata = null)
        : base(message)
    {
        Reason = reason;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    public override string Reason { get; }
}
