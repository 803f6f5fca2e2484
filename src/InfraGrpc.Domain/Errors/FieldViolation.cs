namespace InfraGrpc.Domain.Errors;

/// <summary>One problem with one field of the input, as reported in a BadRequest detail.</summary>
/// <param name="Field">The path of the offending field, e.g. <c>values.region</c> or <c>templates/vpc.yaml</c>.</param>
/// <param name="Description">What is wrong and, where it helps, what is expected.</param>
public sealed record FieldViolation(string Field, string Description);
