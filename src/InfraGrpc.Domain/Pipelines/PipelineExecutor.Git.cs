using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>The git part of the build stage: fetch the commit, read its manifests, append the revision.</summary>
public sealed partial class PipelineExecutor
{
    /// <summary>Returns the change to the pipeline: the revision it runs and the commit; the caller applies it with the plan.</summary>
    private async Task<Func<Pipeline, Pipeline>> BuildFromGitAsync(PipelineRun run)
    {
        var pipeline = run.Snapshot;
        var project = await projects.GetAsync(pipeline.ProjectId) ?? throw new NotFoundException("project", pipeline.ProjectId);
        var source = project.Git ?? throw new PreconditionFailedException("NOT_A_GIT_PROJECT", $"{project.QualifiedName} is not a git project");
        var (commit, files) = await git.ReadAsync(source.Url, pipeline.RequestedCommit!, source.Path, source.Ref.StartsWith("refs/", StringComparison.Ordinal) ? source.Ref : null);

        var documents = new List<ManifestSource>();
        foreach (var (file, text) in files)
        {
            try
            {
                documents.AddRange(YamlTree.ParseDocuments(text).Select(d => new ManifestSource(file, d)));
            }
            catch (YamlFormatException e)
            {
                throw new ValidationException(file, $"line {e.Line}: not valid YAML: {e.Message}");
            }
        }

        var resources = ManifestParser.Parse(documents);
        Graph.ResourceGraph.Build(resources, project.Env); // a cycle fails the build here, naming it
        var manifests = ManifestSet.From(resources);
        var current = project.CurrentRevision == 0 ? null : await projects.GetRevisionAsync(project.Id, project.CurrentRevision);
        var number = project.CurrentRevision;
        if (current is null || current.ManifestsDigest != manifests.Digest || current.Commit?.Sha != commit.Sha || current.Controls != project.Controls)
        {
            number = project.CurrentRevision + 1;
            var cause = pipeline.Trigger switch
            {
                PipelineTrigger.Create => RevisionCause.Create,
                PipelineTrigger.GitPush or PipelineTrigger.PullRequest => RevisionCause.GitPush,
                _ => RevisionCause.Update,
            };
            var revision = new ProjectRevision(
                project.Id, number, pipeline.Actor, run.Now, pipeline.Message ?? $"{commit.Sha[..12]} {commit.Message}", cause,
                new Dictionary<string, object?>(), new Dictionary<string, object?>(), null, project.Controls, manifests.Digest, pipeline.Id, null)
            {
                Commit = commit,
            };
            var updated = project with { CurrentRevision = number, UpdatedAt = run.Now, Git = source with { LastCommit = commit } };
            if (!await projects.AppendRevisionAsync(updated, project.CurrentRevision, revision, manifests, null))
            {
                throw new PreconditionFailedException("PROJECT_CHANGED", $"{project.QualifiedName} changed while commit {commit.Sha[..12]} was being built; run the pipeline again");
            }
        }

        var buildOnly = project.Controls.DisableDeployments;
        return p => p with { Revision = number, Commit = commit, BuildOnly = buildOnly };
    }
}
