namespace InfraGrpc.Domain.Errors;

/// <summary>The addressed entity does not exist.</summary>
public sealed class NotFoundException : DomainException
{
    public NotFoundException(string entity, string id)
        : base($"{entity} '{id}' not found")
    {
        Entity = entity;
        Id = id;
        Metadata = new Dictionary<string, string> { ["entity"] = entity, ["id"] = id };
    }

    public string Entity { get; }

    public string Id { get; }

    public override string Reason => "NOT_FOUND";
}
