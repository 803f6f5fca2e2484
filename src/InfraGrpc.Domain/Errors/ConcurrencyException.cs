namespace InfraGrpc.Domain.Errors;

/// <summary>The change was based on a stale revision (maps to ABORTED); the caller should re-read and retry.</summary>
public sealed class ConcurrencyException : DomainException
{
    public ConcurrencyException(string entity, long expected, long actual)
        : base($"{entity} is at revision {actual}, the change was based on revision {expected}")
    {
        Metadata = new Dictionary<string, string>
        {
            ["entity"] = entity,
            ["based_on_revision"] = expected.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["current_revision"] = actual.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public override string Reason => "STALE_REVISION";
}
