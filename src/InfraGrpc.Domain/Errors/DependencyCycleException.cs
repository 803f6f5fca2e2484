namespace InfraGrpc.Domain.Errors;

/// <summary>The resources depend on each other in a cycle; <see cref="Cycle"/> spells it out, first node repeated last.</summary>
public sealed class DependencyCycleException : DomainException
{
    public DependencyCycleException(IReadOnlyList<string> cycle)
        : base("dependency cycle: " + string.Join(" → ", cycle))
    {
        Cycle = cycle;
        Metadata = new Dictionary<string, string> { ["cycle"] = string.Join(" → ", cycle) };
    }

    public IReadOnlyList<string> Cycle { get; }

    public override string Reason => "DEPENDENCY_CYCLE";
}
