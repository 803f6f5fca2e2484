using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Rendering;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Projects;

/// <summary>Changes that append revisions: update (or its preview), chart upgrade, rollback.</summary>
public sealed partial class ProjectService
{
    /// <summary>Applies a change; a stale base revision is ABORTED; a change that changes nothing creates no revision.</summary>
    public async Task<ProjectChange> UpdateAsync(UpdateProjectCommand command, CancellationToken cancellationToken = default)
    {
        if (LabelRules.Check(command.Labels) is { Count: > 0 } labelProblems)
        {
            throw new ValidationException(labelProblems);
        }

        var project = await GetAsync(command.Project, cancellationToken);
        return await WithProjectLockAsync(project.Id, async () =>
        {
            project = await GetAsync(project.Id, cancellationToken);
            CheckNotPurging(project);
            var planned = await PlanUpdateAsync(project, command, cancellationToken);
            if (planned.SourceChanged)
            {
                await store.SaveAsync(command.Labels is null ? planned.Project : planned.Project with { Labels = command.Labels }, cancellationToken);
                var saved = await GetAsync(project.Id, cancellationToken);
                var pipeline = await DeployCommitAsync(saved, null, PipelineTrigger.Update, command.Actor, command.Message, cancellationToken);
                return planned with { Project = await GetAsync(project.Id, cancellationToken), Pipeline = pipeline };
            }

            if (planned.Revision is null)
            {
                // Labels and controls are the record's, not the release's: they change without a revision or a pipeline.
                var labelsChanged = command.Labels is not null && !SameLabels(project.Labels, command.Labels);
                if (labelsChanged || planned.LabelsChanged)
                {
                    project = planned.Project with { Labels = labelsChanged ? command.Labels! : project.Labels, UpdatedAt = Now() };
                    await store.SaveAsync(project, cancellationToken);
                    return planned with { Project = project, LabelsChanged = true };
                }

                return planned;
            }

            return await CommitAsync(planned, command.Labels, null, PipelineTrigger.Update, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>What <see cref="UpdateAsync"/> would do, with the diff against the current revision; nothing is stored.</summary>
    public async Task<ProjectChange> PreviewAsync(UpdateProjectCommand command, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(command.Project, cancellationToken);
        return await PlanUpdateAsync(project, command, cancellationToken);
    }

    /// <summary>Moves a catalog project to another chart version (latest when empty), re-validating its values with <paramref name="valuesPatch"/> on top (for parameters the new version requires).</summary>
    public async Task<ProjectChange> UpgradeAsync(
        string address, string? version, int baseRevision, string message, string actor, bool validateOnly, ValuesInput? valuesPatch = null, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        if (project.Chart is not { Inline: false } current)
        {
            throw new PreconditionFailedException("NO_CATALOG_CHART", $"{project.QualifiedName} was not created from a catalog chart (inline files or git); there is no chart version to upgrade to");
        }

        return await WithProjectLockAsync(project.Id, async () =>
        {
            project = await GetAsync(project.Id, cancellationToken);
            CheckNotPurging(project);
            CheckBase(project, baseRevision);
            var chart = (await catalog.GetAsync(current.Name, version, cancellationToken)).Chart;
            var clear = await ClearValuesAsync(project, cancellationToken);
            var (result, sealedSecrets) = RenderProtected(chart, new RenderInput([clear, .. valuesPatch?.Layers ?? []], valuesPatch?.Sets ?? [], project.Name, project.Org, project.Env));
            var planned = await PlanAsync(project, result, new ProjectChart(chart.Name, chart.Version, chart.Digest, false), project.Controls, RevisionCause.Upgrade, message, actor, null, cancellationToken, sealedSecrets);
            return validateOnly ? planned : await CommitAsync(planned, null, chart, PipelineTrigger.Update, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Copies revision <paramref name="toRevision"/> forward as a new revision and deploys it. History is never rewritten.</summary>
    public async Task<ProjectChange> RollbackAsync(
        string address, int toRevision, int baseRevision, string message, string actor, CancellationToken cancellationToken = default)
    {
        var project = await GetAsync(address, cancellationToken);
        return await WithProjectLockAsync(project.Id, async () =>
        {
            project = await GetAsync(project.Id, cancellationToken);
            CheckNotPurging(project);
            CheckBase(project, baseRevision);
            var target = await LoadRevisionAsync(project, toRevision, cancellationToken, "to_revision");
            var current = await LoadRevisionAsync(project, project.CurrentRevision, cancellationToken);
            var old = target.Revision;
            var revision = old with
            {
                Number = project.CurrentRevision + 1,
                Actor = actor,
                CreatedAt = Now(),
                Message = string.IsNullOrEmpty(message) ? $"rollback to revision {toRevision}" : message,
                Cause = RevisionCause.Rollback,
                PipelineId = null,
                RolledBackFrom = toRevision,

                // Controls are the project's current policy, never part of what a rollback restores.
                Controls = project.Controls,
            };
            var manifests = await store.GetManifestsAsync(old.ManifestsDigest, cancellationToken) ?? throw new InvalidOperationException("manifests missing");
            var updated = project with { Chart = old.Chart, Values = old.SuppliedValues, CurrentRevision = revision.Number, UpdatedAt = revision.CreatedAt };
            var rendered = target with { Revision = revision };
            var planned = new ProjectChange(updated, revision, rendered, null, RevisionDiffer.Diff(current, rendered))
            {
                Plan = await _planner.PreviewAsync(project, new RevisionContent(revision.Number, target.Resources, target.Graph), cancellationToken),
            };
            return await CommitAsync(planned, null, null, PipelineTrigger.Rollback, cancellationToken, manifests);
        }, cancellationToken);
    }

    private async Task<ProjectChange> PlanUpdateAsync(Project project, UpdateProjectCommand command, CancellationToken cancellationToken)
    {
        CheckBase(project, command.BaseRevision);
        if (project.Chart is null)
        {
            return PlanGitUpdate(project, command);
        }

        var values = command.Values is { } replacement
            ? (IReadOnlyList<IReadOnlyDictionary<string, object?>>)replacement.Layers
            : [await ClearValuesAsync(project, cancellationToken), .. command.ValuesPatch?.Layers ?? []];
        var sets = command.Values?.Sets ?? command.ValuesPatch?.Sets ?? [];
        var controls = command.ControlsFor(project);
        var snapshot = await store.GetSnapshotAsync(project.Chart!.Digest, cancellationToken)
            ?? throw new InvalidOperationException($"the chart snapshot {project.Chart.Digest} of {project.QualifiedName} is missing");
        var (result, sealedSecrets) = RenderProtected(snapshot, new RenderInput(values, sets, project.Name, project.Org, project.Env));
        if (ValueTree.DeepEquals(result.Values.Supplied, project.Values))
        {
            return controls == project.Controls
                ? new ProjectChange(project, null, null, null, null)
                : new ProjectChange(project with { Controls = controls }, null, null, null, null) { LabelsChanged = true };
        }

        return await PlanAsync(project, result, project.Chart, controls, RevisionCause.Update, command.Message, command.Actor, null, cancellationToken, sealedSecrets);
    }

    private async Task<ProjectChange> PlanAsync(
        Project project, RenderResult result, ProjectChart chart, PipelineControls controls, RevisionCause cause, string message, string actor, int? rolledBackFrom, CancellationToken cancellationToken, string? sealedSecrets = null)
    {
        var now = Now();
        var manifests = ManifestSet.From(result.Resources);
        var revision = new ProjectRevision(
            project.Id, project.CurrentRevision + 1, actor, now, message, cause, result.Values.Supplied, result.Values.Resolved,
            chart, controls, manifests.Digest, null, rolledBackFrom)
        {
            SealedSensitive = sealedSecrets,
        };
        var rendered = new RenderedRevision(revision, result.Resources, result.Graph);
        var current = await LoadRevisionAsync(project, project.CurrentRevision, cancellationToken);
        var updated = project with { Chart = chart, Controls = controls, Values = result.Values.Supplied, CurrentRevision = revision.Number, UpdatedAt = now };
        return new ProjectChange(updated, revision, rendered, null, RevisionDiffer.Diff(current, rendered))
        {
            Plan = await _planner.PreviewAsync(project, new RevisionContent(revision.Number, result.Resources, result.Graph), cancellationToken),
        };
    }

    private async Task<ProjectChange> CommitAsync(
        ProjectChange planned,
        IReadOnlyDictionary<string, string>? labels,
        ChartDefinition? snapshot,
        PipelineTrigger trigger,
        CancellationToken cancellationToken,
        ManifestSet? manifests = null)
    {
        var revision = planned.Revision!;
        var project = labels is null ? planned.Project : planned.Project with { Labels = labels };
        manifests ??= ManifestSet.From(planned.Rendered!.Resources);
        if (!await store.AppendRevisionAsync(project, revision.Number - 1, revision, manifests, snapshot, cancellationToken))
        {
            var now = await GetAsync(project.Id, cancellationToken);
            throw new ConcurrencyException(project.QualifiedName, revision.Number - 1, now.CurrentRevision);
        }

        var pipeline = await LaunchAsync(project, revision, trigger, revision.Actor, revision.Message, cancellationToken);
        return planned with
        {
            Project = await GetAsync(project.Id, cancellationToken),
            Revision = revision with { PipelineId = pipeline?.Id },
            Pipeline = pipeline,
        };
    }

    private static void CheckBase(Project project, int baseRevision)
    {
        if (baseRevision != 0 && baseRevision != project.CurrentRevision)
        {
            throw new ConcurrencyException(project.QualifiedName, baseRevision, project.CurrentRevision);
        }
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
