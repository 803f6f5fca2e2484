namespace InfraGrpc.Domain.Projects;

/// <summary>ListProjects filters; null means any.</summary>
public sealed record ProjectFilter(string? Org, string? Env, string? Chart, IReadOnlyList<LabelRequirement> Selector, string? Text);
