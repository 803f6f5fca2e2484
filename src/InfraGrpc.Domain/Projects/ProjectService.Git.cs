using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Pipelines;

namespace InfraGrpc.Domain.Projects;

/// <summary>
/// Git-based projects: their revisions come from commits, made by the build stage of their pipelines,
/// so creation, webhook pushes and <c>RunPipeline</c> with a commit all take the same path.
/// </summary>
public sealed partial class ProjectService
{
    /// <summary>Creates a git project (no revision yet) and requests the pipeline that builds its first one, from <paramref name="firstCommit"/> or the ref's head.</summary>
    public async Task<ProjectChange> CreateGitAsync(
        string name, string org, string env, IReadOnlyDictionary<string, string> labels, ProjectGit git, PipelineControls controls, string? requestId, string message, string actor,
        string? parentProjectId = null, string? firstCommit = null, PipelineTrigger trigger = PipelineTrigger.Create, CancellationToken cancellationToken = default)
    {
        var violations = IdentityViolations(name, org, env, requestId);
        violations.AddRange(LabelRules.Check(labels));
        violations.AddRange(GitViolations(git));
        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        var now = Now();
        var project = new Project(Guid.CreateVersion7().ToString("N"), org, name, env, labels, null, controls, new Dictionary<string, object?>(), 0, ProjectStatus.New, null, now, actor, now)
        {
            Git = git,
            ParentProjectId = parentProjectId,
        };
        var (outcome, stored) = await store.CreateGitAsync(project, requestId, cancellationToken);
        switch (outcome)
        {
            case CreateOutcome.NameTaken:
                throw new ConflictException("PROJECT_EXISTS", $"project {org}/{name} already exists", new Dictionary<string, string> { ["project"] = $"{org}/{name}", ["project_id"] = stored.Id });
            case CreateOutcome.Replayed:
                return new ProjectChange(stored, null, null, null, null);
        }

        var pipeline = controls.DisablePipelines
            ? null
            : await pipelines.LaunchAsync(new PipelineRequest(project.Id, 0, PipelineOperation.Deploy, trigger, actor, message) { Commit = firstCommit ?? git.Ref }, cancellationToken);
        return new ProjectChange(await GetAsync(project.Id, cancellationToken), null, null, pipeline, null);
    }

    /// <summary>Deploys a commit (or the tracked ref) of a git project; the pipeline's build stage fetches it.</summary>
    public async Task<Pipeline?> DeployCommitAsync(Project project, string? commit, PipelineTrigger trigger, string actor, string? message, CancellationToken cancellationToken = default)
    {
        if (project.Git is null)
        {
            throw new PreconditionFailedException("NOT_A_GIT_PROJECT", $"{project.QualifiedName} is not a git project; a commit means nothing to it");
        }

        return project.Controls.DisablePipelines
            ? null
            : await pipelines.LaunchAsync(
                new PipelineRequest(project.Id, project.CurrentRevision, PipelineOperation.Deploy, trigger, actor, message) { Commit = commit ?? project.Git.Ref },
                cancellationToken);
    }

    /// <summary>Projects tracking a repository (webhooks match them by URL).</summary>
    public Task<IReadOnlyList<Project>> FindByRepositoryAsync(string url, CancellationToken cancellationToken = default) =>
        store.FindByRepositoryAsync(GitUrls.Normalize(url), cancellationToken);

    private ProjectChange PlanGitUpdate(Project project, UpdateProjectCommand command)
    {
        if (command.Values is not null || command.ValuesPatch is { IsEmpty: false })
        {
            throw new ValidationException("values", "git projects have no chart parameters; change the manifests in the repository");
        }

        var git = command.Git ?? project.Git!;
        if (command.Git is not null)
        {
            if (GitViolations(git) is { Count: > 0 } problems)
            {
                throw new ValidationException(problems);
            }

            git = git with { WebhookSecret = git.WebhookSecret ?? project.Git!.WebhookSecret, LastCommit = project.Git!.LastCommit };
        }

        var controls = command.ControlsFor(project);
        var sourceChanged = git != project.Git;
        var changed = sourceChanged || controls != project.Controls;
        var updated = project with { Controls = controls, Git = git, UpdatedAt = Now() };
        return new ProjectChange(changed ? updated : project, null, null, null, null) { LabelsChanged = changed, SourceChanged = sourceChanged };
    }

    private const int MaxGitUrlBytes = 512;

    private static List<FieldViolation> GitViolations(ProjectGit git)
    {
        var violations = new List<FieldViolation>();
        // The URL is a store index key (at most 1,023 bytes in LiteDB), so it is bounded well below that.
        if (string.IsNullOrWhiteSpace(git.Url) || git.Url.StartsWith('-') || System.Text.Encoding.UTF8.GetByteCount(git.Url) > MaxGitUrlBytes || git.Url.Any(char.IsControl))
        {
            violations.Add(new FieldViolation("git.url", $"is required: an https, ssh or file:// URL, or a local path, of at most {MaxGitUrlBytes} bytes"));
        }

        if (string.IsNullOrWhiteSpace(git.Ref) || git.Ref.StartsWith('-') || git.Ref.Contains("..", StringComparison.Ordinal) || git.Ref.Length > 255 || git.Ref.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            violations.Add(new FieldViolation("git.ref", "must be a branch, tag or commit (at most 255 characters, no white space)"));
        }

        if (git.Path.Contains("..", StringComparison.Ordinal) || git.Path.Length > 1024 || git.Path.Any(char.IsControl))
        {
            violations.Add(new FieldViolation("git.path", "must be a folder inside the repository (at most 1,024 characters)"));
        }

        return violations;
    }
}
