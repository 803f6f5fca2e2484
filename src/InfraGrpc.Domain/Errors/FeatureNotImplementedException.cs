namespace InfraGrpc.Domain.Errors;

/// <summary>An operation of the contract whose behaviour has not been built yet (maps to UNIMPLEMENTED).</summary>
public sealed class FeatureNotImplementedException : DomainException
{
    public FeatureNotImplementedException(string operation, string missing)
        : base($"{operation} is not implemented yet: {missing}")
    {
        Metadata = new Dictionary<string, string> { ["operation"] = operation };
    }

    public override string Reason => "NOT_IMPLEMENTED";
}
