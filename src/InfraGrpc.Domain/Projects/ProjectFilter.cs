namespace InfraGrpc.Domain.Projects;

/// <summary>ListProjects filters; null means any.</summary>
public sealed record ProjectFilter(string? Org, string? Env, string? Chart, IReadOnlyList<LabelRequirement> Selector, string? Text)
{
    /// <summary>Only projects of these orgs (the ones the caller may see); null means every org.</summary>
    public IReadOnlySet<string>? VisibleOrgs { get; init; }
}
