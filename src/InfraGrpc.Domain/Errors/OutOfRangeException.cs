namespace InfraGrpc.Domain.Errors;

/// <summary>A position past the end of a sequence, such as resuming a watch after an event that does not exist yet (maps to OUT_OF_RANGE with BadRequest).</summary>
public sealed class OutOfRangeException(string field, string message) : DomainException(message)
{
    public string Field { get; } = field;

    public override string Reason => "OUT_OF_RANGE";
}
