namespace InfraGrpc.Domain.Errors;

/// <summary>
/// The base of every outcome the Domain reports as an exception. The transport maps each subtype to a
/// status code at the edge; the Domain never knows about gRPC.
/// </summary>
public abstract class DomainException : Exception
{
    protected DomainException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>A stable, machine-readable reason (upper snake case) for ErrorInfo details.</summary>
    public abstract string Reason { get; }

    /// <summary>Extra key/value facts for ErrorInfo details (never secrets).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
