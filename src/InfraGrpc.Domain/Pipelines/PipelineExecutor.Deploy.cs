using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>The build stage and the graph execution.</summary>
public sealed partial class PipelineExecutor
{
    private async Task<BuildResult> BuildAsync(PipelineRun run, Func<Pipeline, Pipeline>? amend, bool resume = false)
    {
        var pipeline = amend is null ? run.Snapshot : amend(run.Snapshot);
        var project = await projects.GetAsync(pipeline.ProjectId) ?? throw new NotFoundException("project", pipeline.ProjectId);
        var undeploy = pipeline.Operation == PipelineOperation.Undeploy;

        // An undeploy destroys what the project has when it runs: a deploy queued before it may have moved
        // the project to a newer revision (or built a git project's first one).
        if (undeploy && !resume && project.CurrentRevision != pipeline.Revision)
        {
            var number = project.CurrentRevision;
            var previous = amend;
            amend = p => (previous is null ? p : previous(p)) with { Revision = number };
            pipeline = amend(run.Snapshot);
        }

        var revision = pipeline.Revision == 0
            ? new ProjectRevision(project.Id, 0, pipeline.Actor, run.Now, string.Empty, RevisionCause.Create, new Dictionary<string, object?>(), new Dictionary<string, object?>(), null, project.Controls, string.Empty, null, null)
            : await projects.GetRevisionAsync(project.Id, pipeline.Revision) ?? throw new NotFoundException("revision", $"{project.QualifiedName}#{pipeline.Revision}");
        var target = await _planner.LoadAsync(project, pipeline.Revision) ?? throw new NotFoundException("revision", $"{project.QualifiedName}#{pipeline.Revision}");

        // Plan against the records of this moment: a pipeline that ran while this one was queued may have
        // deployed or destroyed resources since the request.
        var plan = await _planner.PlanAsync(project, target, undeploy);
        if (!resume && (amend is not null || !SameNodes(plan.Nodes, pipeline.Nodes)))
        {
            run.Change(p => (amend is null ? p : amend(p)) with { Nodes = plan.Nodes }, (p, sequence, time) => new PipelineEvent(p.Id, sequence, time, PipelineEventKind.Snapshot, false, Snapshot: p));
        }

        var external = new Dictionary<(ResourceKey, string?), ProjectResource>();
        if (!undeploy)
        {
            var problems = new List<FieldViolation>();
            foreach (var reference in target.Graph.ExternalReferences)
            {
                var (found, problem) = await ResolveExternalAsync(project, reference);
                if (found is null)
                {
                    problems.Add(new FieldViolation(reference.From.ToString(), problem!));
                }
                else
                {
                    external[(reference.Target, reference.Env)] = found;
                }
            }

            if (problems.Count > 0)
            {
                throw new ValidationException(problems, "external references do not resolve: " + string.Join("; ", problems.Select(p => $"{p.Field} {p.Description}")));
            }
        }

        var records = (await projects.ListResourcesAsync(project.Id)).ToDictionary(r => r.Key);

        // Sensitive values go back into the manifests only here, for the provisioner; logs and outputs redact them.
        var secrets = SensitiveValues.Open(revision.SealedSensitive, sealer);
        var resources = plan.Resources;
        if (secrets.Count > 0)
        {
            run.Secrets = secrets;
            resources = plan.Resources.ToDictionary(kv => kv.Key, kv => Reveal(kv.Value, secrets));
        }

        return new BuildResult(project, revision, resources, target.Resources.Select(r => r.Key).ToHashSet(), records, external);
    }

    private static CloudResource Reveal(CloudResource resource, IReadOnlyDictionary<string, string> secrets)
    {
        var document = (IReadOnlyDictionary<string, object?>)SensitiveValues.Reveal(resource.Document, secrets)!;
        var spec = document.GetValueOrDefault("spec") as IReadOnlyDictionary<string, object?> ?? resource.Spec;
        return resource with { Document = document, Spec = spec };
    }

    /// <summary>
    /// Binds a reference to a resource of another project of the org. Without <c>env</c> the reference means
    /// the consumer's own env. Only a resource in its project's current revision counts, so a leftover a
    /// producer renamed or removed is never bound. More than one candidate is an error naming them.
    /// </summary>
    private async Task<(ProjectResource? Found, string? Problem)> ResolveExternalAsync(Project project, Graph.ExternalReference reference)
    {
        var env = reference.Env ?? project.Env;
        var what = $"reads {reference.FieldPath} of {reference.Target} in env {env}";
        var candidates = new List<(Project Project, ProjectResource Resource)>();
        var leftovers = new List<string>();
        foreach (var (producer, resource) in await projects.FindDeployedResourcesAsync(project.Org, reference.Target, project.Id))
        {
            if (producer.Env != env)
            {
                continue;
            }

            var current = await _planner.LoadAsync(producer, producer.CurrentRevision);
            if (current is not null && current.Resources.Any(r => r.Key == reference.Target))
            {
                candidates.Add((producer, resource));
            }
            else
            {
                leftovers.Add(producer.QualifiedName);
            }
        }

        return candidates.Count switch
        {
            1 => (candidates[0].Resource, null),
            0 when leftovers.Count > 0 => (null, $"{what}, which {string.Join(", ", leftovers)} removed from its current revision (it is still being destroyed); it is not bound"),
            0 => (null, $"{what}, which no other project of org {project.Org} has deployed"),
            _ => (null, $"{what}, which is ambiguous: {string.Join(", ", candidates.Select(c => c.Project.QualifiedName).Order(StringComparer.Ordinal))} all deploy it; rename one of them"),
        };
    }

    private static bool SameNodes(IReadOnlyList<PipelineNode> a, IReadOnlyList<PipelineNode> b) =>
        a.Count == b.Count && a.Zip(b).All(x => x.First.Key == x.Second.Key && x.First.Action == x.Second.Action && x.First.Job.RequiresApproval == x.Second.Job.RequiresApproval && x.First.Producers.SequenceEqual(x.Second.Producers));

    private async Task<RunResult> DeployAsync(PipelineRun run, BuildResult build)
    {
        var pipeline = run.Snapshot;
        var nodes = pipeline.Nodes.ToDictionary(n => n.Key);
        var consumers = nodes.Keys.ToDictionary(k => k, _ => new List<ResourceKey>());
        foreach (var node in nodes.Values)
        {
            foreach (var producer in node.Producers)
            {
                consumers[producer].Add(node.Key);
            }
        }

        // Nodes that completed before a takeover stay as they are: what succeeded counts for its consumers; what
        // did not has its dependents cancelled. A node that was running runs again, from refresh.
        static bool Succeeded(PipelineNode n) => n.Job is { Status: RunStatus.Completed, Result: RunResult.Succeeded };
        var waiting = nodes.Values.ToDictionary(n => n.Key, n => n.Producers.Count(p => !Succeeded(nodes[p])));
        var order = pipeline.Nodes.Select((n, i) => (n.Key, i)).ToDictionary(x => x.Key, x => x.i);
        var ready = new SortedSet<int>(nodes.Values.Where(n => n.Job.Status != RunStatus.Completed && waiting[n.Key] == 0).Select(n => order[n.Key]));
        var running = new Dictionary<Task<(ResourceKey Key, RunResult Result)>, ResourceKey>();
        var outputs = new System.Collections.Concurrent.ConcurrentDictionary<ResourceKey, IReadOnlyDictionary<string, object?>>(build.Records.ToDictionary(r => r.Key, r => r.Value.Outputs));
        var finished = nodes.Values.Count(n => n.Job.Status == RunStatus.Completed);
        foreach (var done in nodes.Values.Where(n => n.Job.Status == RunStatus.Completed && !Succeeded(n)))
        {
            finished += CancelDependents(run, done.Key, consumers);
        }

        while (finished < nodes.Count)
        {
            while (ready.Count > 0 && running.Count < pipeline.Parallelism && run.CancelRequestedBy is null)
            {
                var key = pipeline.Nodes[ready.Min].Key;
                ready.Remove(ready.Min);
                running[RunNodeAsync(run, build, key, outputs)] = key;
            }

            if (running.Count == 0)
            {
                // Nothing can start: the rest was cancelled (by a cancel request or a failed producer).
                foreach (var node in run.Snapshot.Nodes.Where(n => n.Job.Status != RunStatus.Completed))
                {
                    var reason = run.CancelRequestedBy is { } by ? $"cancelled by {by}" : "cancelled";
                    run.UpdateNode(node.Key, j => j with { Status = RunStatus.Completed, Result = RunResult.Cancelled, Reason = reason, EndedAt = run.Now });
                }

                break;
            }

            var done = await Task.WhenAny(running.Keys);
            running.Remove(done);
            var (finishedKey, result) = await done;
            finished++;
            if (result == RunResult.Succeeded)
            {
                foreach (var consumer in consumers[finishedKey].Where(c => --waiting[c] == 0))
                {
                    ready.Add(order[consumer]);
                }
            }
            else
            {
                finished += CancelDependents(run, finishedKey, consumers);
            }
        }

        var results = run.Snapshot.Nodes.Select(n => n.Job.Result).ToList();
        return results.Contains(RunResult.Failed) ? RunResult.Failed
            : results.Contains(RunResult.Cancelled) ? RunResult.Cancelled
            : RunResult.Succeeded;
    }

    private static int CancelDependents(PipelineRun run, ResourceKey failed, Dictionary<ResourceKey, List<ResourceKey>> consumers)
    {
        var cancelled = 0;
        var pending = new Queue<ResourceKey>(consumers[failed]);
        var seen = new HashSet<ResourceKey>();
        while (pending.Count > 0)
        {
            var key = pending.Dequeue();
            if (!seen.Add(key) || run.Snapshot.Nodes.First(n => n.Key == key).Job.Status == RunStatus.Completed)
            {
                continue;
            }

            run.UpdateNode(key, j => j with { Status = RunStatus.Completed, Result = RunResult.Cancelled, Reason = $"blocked by {failed}", EndedAt = run.Now });
            cancelled++;
            foreach (var next in consumers[key])
            {
                pending.Enqueue(next);
            }
        }

        return cancelled;
    }

    private sealed record BuildResult(
        Project Project,
        ProjectRevision Revision,
        IReadOnlyDictionary<ResourceKey, CloudResource> Resources,
        IReadOnlySet<ResourceKey> TargetKeys,
        IReadOnlyDictionary<ResourceKey, ProjectResource> Records,
        IReadOnlyDictionary<(ResourceKey, string?), ProjectResource> External);
}
