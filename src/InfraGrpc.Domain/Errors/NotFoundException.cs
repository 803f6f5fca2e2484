namespace InfraGrpc.Domain.Errors;

/// <summary>The addressed entity does not exist.</summary>
public sealed class NotFoundException : DomainException
{
    public NotFoundException(string entity, string id)
        : base($"{entity} '{Excerpt.Of(id)}' not found")
    {
        // The id is the caller's input: only an excerpt comes back, so a huge id cannot swell the trailers.
        Entity = entity;
        Id = Excerpt.Of(id);
        Metadata = new Dictionary<string, string> { ["entity"] = entity, ["id"] = Id };
    }

    public string Entity { get; }

    public string Id { get; }

    public override string Reason => "NOT_FOUND";
}
