using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Rendering;

namespace InfraGrpc.Domain.Projects;

/// <summary>
/// The Infra Project use cases (DESIGN §4): create from a chart snapshot, change with optimistic
/// concurrency, upgrade, roll back, diff, and the safe lifecycle. Split over several files by concern.
/// </summary>
public sealed partial class ProjectService(
    IProjectStore store,
    ChartCatalog catalog,
    ChartRenderer renderer,
    IPipelineLauncher pipelines,
    ISecretSealer sealer,
    TimeProvider clock)
{
    // Changes to one project are serialised in this process (reads, render, compare-and-append), so
    // concurrent writers get a clean ABORTED instead of racing; the store's compare-and-append is the backstop.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _projectLocks = new(StringComparer.Ordinal);
    private readonly ReconcilePlanner _planner = new(store);

    /// <summary>Creates a project: snapshot, validated values, rendered manifests, graph, revision 1, and a deploy pipeline.</summary>
    public async Task<ProjectChange> CreateAsync(CreateProjectCommand command, CancellationToken cancellationToken = default)
    {
        ValidateIdentity(command);
        var chart = command.Chart.InlineFiles is { Count: > 0 } files
            ? catalog.Load(new ChartContent(files, null, null, null))
            : (await catalog.GetAsync(command.Chart.CatalogName ?? string.Empty, command.Chart.CatalogVersion, cancellationToken)).Chart;
        var (result, sealedSecrets) = RenderProtected(chart, new RenderInput(command.Values.Layers, command.Values.Sets, command.Name, command.Org, command.Env));

        var now = Now();
        var projectChart = new ProjectChart(chart.Name, chart.Version, chart.Digest, command.Chart.InlineFiles is { Count: > 0 });
        var project = new Project(
            Guid.CreateVersion7().ToString("N"), command.Org, command.Name, command.Env, command.Labels, projectChart, command.Controls,
            result.Values.Supplied, 1, ProjectStatus.New, null, now, command.Actor, now);
        var manifests = ManifestSet.From(result.Resources);
        var revision = new ProjectRevision(
            project.Id, 1, command.Actor, now, command.Message, RevisionCause.Create, result.Values.Supplied, result.Values.Resolved,
            projectChart, command.Controls, manifests.Digest, null, null)
        {
            SealedSensitive = sealedSecrets,
        };
        var rendered = new RenderedRevision(revision, result.Resources, result.Graph);
        if (command.ValidateOnly)
        {
            return new ProjectChange(project, revision, rendered, null, null);
        }

        var (outcome, stored) = await store.CreateAsync(project, revision, manifests, chart, command.RequestId, cancellationToken);
        switch (outcome)
        {
            case CreateOutcome.NameTaken:
                throw new ConflictException("PROJECT_EXISTS", $"project {command.Org}/{command.Name} already exists", new Dictionary<string, string>
                {
                    ["project"] = $"{command.Org}/{command.Name}",
                    ["project_id"] = stored.Id,
                });
            case CreateOutcome.Replayed:
                var first = await LoadRevisionAsync(stored, 1, cancellationToken);
                return new ProjectChange(stored, first.Revision, first, null, null);
        }

        var pipeline = await LaunchAsync(stored, revision, PipelineTrigger.Create, command.Actor, command.Message, cancellationToken);
        return new ProjectChange(await GetAsync(stored.Id, cancellationToken), revision with { PipelineId = pipeline?.Id }, rendered, pipeline, null);
    }

    /// <summary>Finds a project by id or <c>org/name</c>.</summary>
    /// <exception cref="NotFoundException">No such project.</exception>
    public async Task<Project> GetAsync(string address, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new ValidationException("project", "is required: a project id or org/name");
        }

        var slash = address.IndexOf('/', StringComparison.Ordinal);
        var project = slash > 0
            ? await store.GetByNameAsync(address[..slash], address[(slash + 1)..], cancellationToken)
            : await store.GetAsync(address, cancellationToken);
        return project ?? throw new NotFoundException("project", address);
    }

    /// <summary>How many projects are on a catalog chart version now; they keep their own snapshots.</summary>
    public Task<int> CountOnChartVersionAsync(string chart, string version, CancellationToken cancellationToken = default) =>
        store.CountOnChartVersionAsync(chart, version, cancellationToken);

    public Task<Page<Project>> ListAsync(ProjectFilter filter, PageRequest page, CancellationToken cancellationToken = default) =>
        store.ListAsync(filter, page, cancellationToken);

    public async Task<Page<ProjectRevision>> ListRevisionsAsync(string address, PageRequest page, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        return await store.ListRevisionsAsync(project.Id, page, cancellationToken);
    }

    /// <summary>One revision with its resources and graph; 0 means the current revision.</summary>
    public async Task<RenderedRevision> GetRevisionAsync(string address, int number, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        return await LoadRevisionAsync(project, number == 0 ? project.CurrentRevision : number, cancellationToken);
    }

    /// <summary>Compares two revisions; <paramref name="to"/> 0 means the current one.</summary>
    public async Task<RevisionDiff> DiffAsync(string address, int from, int to, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        var older = await LoadRevisionAsync(project, from, cancellationToken, "from_revision");
        var newer = await LoadRevisionAsync(project, to == 0 ? project.CurrentRevision : to, cancellationToken, "to_revision");
        return RevisionDiffer.Diff(older, newer);
    }

    /// <summary>The current revision's resources in topological order, each with its deployed state and outputs.</summary>
    public async Task<IReadOnlyList<ProjectResource>> ListResourcesAsync(string address, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        var current = await LoadRevisionAsync(project, project.CurrentRevision, cancellationToken);
        var records = (await store.ListResourcesAsync(project.Id, cancellationToken)).ToDictionary(r => r.Key);
        var inRevision = current.Graph.TopologicalOrder
            .Select(key => records.GetValueOrDefault(key) ?? new ProjectResource(project.Id, key, ResourceState.Pending, new Dictionary<string, object?>(), 0, null, project.UpdatedAt, string.Empty));

        // Resources that left the revision but are still deployed stay visible until a pipeline destroys them.
        var left = records.Values.Where(r => !current.Graph.TopologicalOrder.Contains(r.Key) && r.State is ResourceState.Deployed or ResourceState.Failed);
        return inRevision.Concat(left).ToList();
    }

    internal async Task<RenderedRevision> LoadRevisionAsync(Project project, int number, CancellationToken cancellationToken, string field = "number")
    {
        if (number < 1 || number > project.CurrentRevision)
        {
            throw new ValidationException(field, $"revision {number} does not exist; {project.QualifiedName} has revisions 1 to {project.CurrentRevision}");
        }

        var revision = await store.GetRevisionAsync(project.Id, number, cancellationToken)
            ?? throw new NotFoundException("revision", $"{project.QualifiedName}#{number}");
        var manifests = await store.GetManifestsAsync(revision.ManifestsDigest, cancellationToken)
            ?? throw new InvalidOperationException($"manifests {revision.ManifestsDigest} of {project.QualifiedName}#{number} are missing");
        var (resources, graph) = manifests.Load(project.Env);
        return new RenderedRevision(revision, resources, graph);
    }

    private async Task<Pipeline?> LaunchAsync(Project project, ProjectRevision revision, PipelineTrigger trigger, string actor, string? message, CancellationToken cancellationToken)
    {
        if (!ControlPolicy.StartsPipeline(project.Controls))
        {
            return null;
        }

        var pipeline = await pipelines.LaunchAsync(new PipelineRequest(project.Id, revision.Number, PipelineOperation.Deploy, trigger, actor, message), cancellationToken);
        await store.SetRevisionPipelineAsync(project.Id, revision.Number, pipeline.Id, cancellationToken);
        return pipeline;
    }

    private async Task<T> WithProjectLockAsync<T>(string projectId, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var gate = _projectLocks.GetOrAdd(projectId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Renders with the clear values (validation), then, when the chart has sensitive parameters that are set,
    /// again with sentinels in their place: that render and masked values are what is stored, and the
    /// secrets are sealed for the revision. A render error never shows a secret.
    /// </summary>
    private (RenderResult Result, string? Sealed) RenderProtected(ChartDefinition chart, RenderInput input)
    {
        RenderResult real;
        try
        {
            real = renderer.Render(chart, input);
        }
        catch (ValidationException e) when (chart.Parameters.Any(p => p.Sensitive))
        {
            throw SensitiveValues.Redact(e, Supplied(chart, input));
        }

        var secrets = SensitiveValues.Of(chart, real);
        if (secrets.Count == 0)
        {
            return (real, null);
        }

        var stored = renderer.Render(chart, SensitiveValues.Masked(input, secrets));
        var values = new ResolvedValues(SensitiveValues.Mask(real.Values.Supplied, secrets, sealer), SensitiveValues.Mask(real.Values.Resolved, secrets, sealer));
        return (stored with { Values = values }, SensitiveValues.Seal(secrets, sealer));
    }

    // What the input gives sensitive parameters, before resolution: to redact errors the render raised.
    private static Dictionary<string, string> Supplied(ChartDefinition chart, RenderInput input)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in chart.Parameters.Where(p => p.Sensitive))
        {
            foreach (var layer in input.ValueLayers)
            {
                if (layer.GetValueOrDefault(parameter.Name) is string { Length: > 0 } value)
                {
                    found[parameter.Name] = value;
                }
            }

            foreach (var set in input.Sets.Where(set => set.StartsWith(parameter.Name + "=", StringComparison.Ordinal) && set.Length > parameter.Name.Length + 1))
            {
                found[parameter.Name] = set[(parameter.Name.Length + 1)..];
            }
        }

        return found;
    }

    // The current values in clear: masks replaced by the secrets sealed on the current revision.
    private async Task<IReadOnlyDictionary<string, object?>> ClearValuesAsync(Project project, CancellationToken cancellationToken)
    {
        if (!project.Values.Values.Any(SensitiveValues.IsMask))
        {
            return project.Values;
        }

        var current = await store.GetRevisionAsync(project.Id, project.CurrentRevision, cancellationToken);
        return SensitiveValues.Unmask(project.Values, SensitiveValues.Open(current?.SealedSensitive, sealer));
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());

    private static void ValidateIdentity(CreateProjectCommand command)
    {
        var violations = IdentityViolations(command.Name, command.Org, command.Env, command.RequestId);
        violations.AddRange(LabelRules.Check(command.Labels));
        if (command.Chart.InlineFiles is not { Count: > 0 } && string.IsNullOrEmpty(command.Chart.CatalogName))
        {
            violations.Add(new FieldViolation("source", "give a catalog chart (chart.name) or inline chart files"));
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }
    }

    /// <summary>The checks every new project's identity must pass, whatever its source.</summary>
    private static List<FieldViolation> IdentityViolations(string name, string org, string env, string? requestId)
    {
        var violations = new List<FieldViolation>();
        if (!ChartLoader.IsSlug(name))
        {
            violations.Add(new FieldViolation("name", "must be a slug: [a-z0-9-], 1 to 63 characters"));
        }

        if (!ChartLoader.IsSlug(org))
        {
            violations.Add(new FieldViolation("org", "must be a slug: [a-z0-9-], 1 to 63 characters"));
        }

        if (!EnvPattern().IsMatch(env))
        {
            violations.Add(new FieldViolation("env", "must be [a-z0-9-], 1 to 63 characters"));
        }

        if (requestId is { Length: > 128 })
        {
            violations.Add(new FieldViolation("request_id", "must be at most 128 characters"));
        }

        return violations;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex EnvPattern();
}
