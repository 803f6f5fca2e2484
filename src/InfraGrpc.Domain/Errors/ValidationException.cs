namespace InfraGrpc.Domain.Errors;

/// <summary>The input is invalid; carries every violation found, not only the first.</summary>
public sealed class ValidationException : DomainException
{
    public ValidationException(IReadOnlyList<FieldViolation> violations, string? message = null)
        : base(message ?? Summarize(violations))
    {
        Violations = violations;
    }

    public ValidationException(string field, string description)
        : this([new FieldViolation(field, description)])
    {
    }

    public IReadOnlyList<FieldViolation> Violations { get; }

    public override string Reason => "INVALID_INPUT";

    private static string Summarize(IReadOnlyList<FieldViolation> violations) => violations.Count switch
    {
        0 => "invalid input",
        1 => $"{violations[0].Field}: {violations[0].Description}",
        _ => $"{violations.Count} problems, first: {violations[0].Field}: {violations[0].Description}",
    };
}
