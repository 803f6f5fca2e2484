using InfraGrpc.Domain.Charts;

namespace InfraGrpc.Domain.Projects;

/// <summary>Where a new project's chart comes from: a catalog reference or inline files.</summary>
public sealed record ChartSourceInput(string? CatalogName, string? CatalogVersion, IReadOnlyList<ChartFile>? InlineFiles);

/// <summary>Values as given: layers (later win, maps merge) and <c>--set</c> overrides.</summary>
public sealed record ValuesInput(IReadOnlyList<IReadOnlyDictionary<string, object?>> Layers, IReadOnlyList<string> Sets)
{
    public static ValuesInput Empty { get; } = new([], []);

    public bool IsEmpty => Layers.Count == 0 && Sets.Count == 0;
}

/// <summary>Create a project.</summary>
public sealed record CreateProjectCommand(
    string Name,
    string Org,
    string Env,
    IReadOnlyDictionary<string, string> Labels,
    ChartSourceInput Chart,
    ValuesInput Values,
    PipelineControls Controls,
    string? RequestId,
    bool ValidateOnly,
    string Message,
    string Actor);

/// <summary>Change a project: values replaced or patched, controls and labels replaced when given.</summary>
public sealed record UpdateProjectCommand(
    string Project,
    int BaseRevision,
    ValuesInput? Values,
    ValuesInput? ValuesPatch,
    PipelineControls? Controls,
    IReadOnlyDictionary<string, string>? Labels,
    string Message,
    string Actor)
{
    /// <summary>A new git source (git projects only).</summary>
    public Git.ProjectGit? Git { get; init; }

    /// <summary>A change to some controls only (a field mask naming single controls), when <see cref="Controls"/> is null.</summary>
    public Func<PipelineControls, PipelineControls>? ControlsChange { get; init; }

    /// <summary>The controls this command leaves the project with.</summary>
    public PipelineControls ControlsFor(Project project) => Controls ?? ControlsChange?.Invoke(project.Controls) ?? project.Controls;
}

/// <summary>The outcome of a change: the project after it, the new revision (null when nothing changed) and the pipeline it requested.</summary>
public sealed record ProjectChange(
    Project Project,
    ProjectRevision? Revision,
    RenderedRevision? Rendered,
    Pipelines.Pipeline? Pipeline,
    RevisionDiff? Diff)
{
    /// <summary>Only the record changed (labels, controls): it was updated without a revision or a pipeline.</summary>
    public bool LabelsChanged { get; init; }

    /// <summary>A git project's source or controls changed: the record is saved and a pipeline builds the next revision.</summary>
    public bool SourceChanged { get; init; }

    public bool Changed => Revision is not null || LabelsChanged;

    /// <summary>What deploying the new revision does to what is deployed now.</summary>
    public Pipelines.DeployPreview? Plan { get; init; }
}

/// <summary>A revision with its manifests loaded: resources and graph.</summary>
public sealed record RenderedRevision(ProjectRevision Revision, IReadOnlyList<Resources.CloudResource> Resources, Graph.ResourceGraph Graph);
