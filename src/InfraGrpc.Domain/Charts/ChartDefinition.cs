namespace InfraGrpc.Domain.Charts;

/// <summary>A chart as loaded from its files and validated: identity, parameters, templates, digest.</summary>
public sealed record ChartDefinition(
    string Name,
    string Version,
    string DisplayName,
    string? Description,
    string? IconUrl,
    ChartFormat Format,
    IReadOnlyList<ChartParameter> Parameters,
    string? Readme,
    IReadOnlyList<ChartFile> Files,
    string Digest)
{
    /// <summary>The template files (<c>templates/**.yaml</c>, not partials), in path order.</summary>
    public IEnumerable<ChartFile> Templates => Files.Where(f => ChartLoader.IsTemplate(f.Path));

    /// <summary>The partial files (<c>templates/**/_*.hbs</c>).</summary>
    public IEnumerable<ChartFile> Partials => Files.Where(f => ChartLoader.IsPartial(f.Path));
}
