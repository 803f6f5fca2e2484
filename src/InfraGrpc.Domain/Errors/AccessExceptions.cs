namespace InfraGrpc.Domain.Errors;

/// <summary>A missing, malformed, unknown, revoked or expired credential (maps to UNAUTHENTICATED). The message never holds the credential.</summary>
public sealed class UnauthenticatedException(string message) : DomainException(message)
{
    public override string Reason => "UNAUTHENTICATED";
}

/// <summary>The caller is known but its role is too low (maps to PERMISSION_DENIED).</summary>
public sealed class PermissionDeniedException : DomainException
{
    public PermissionDeniedException(string message, string org, string needed)
        : base(message)
    {
        Metadata = new Dictionary<string, string> { ["org"] = org, ["required_role"] = needed };
    }

    public override string Reason => "PERMISSION_DENIED";
}
