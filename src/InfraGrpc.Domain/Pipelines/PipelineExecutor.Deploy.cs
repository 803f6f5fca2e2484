using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>The build stage and the graph execution.</summary>
public sealed partial class PipelineExecutor
{
    private async Task<BuildResult> BuildAsync(Pipeline pipeline)
    {
        var project = await projects.GetAsync(pipeline.ProjectId) ?? throw new NotFoundException("project", pipeline.ProjectId);
        var revision = await projects.GetRevisionAsync(project.Id, pipeline.Revision) ?? throw new NotFoundException("revision", $"{project.QualifiedName}#{pipeline.Revision}");
        var manifests = await projects.GetManifestsAsync(revision.ManifestsDigest) ?? throw new InvalidOperationException("manifests missing");
        var (resources, graph) = manifests.Load(project.Env);
        var external = new Dictionary<(ResourceKey, string?), ProjectResource>();
        if (pipeline.Operation == PipelineOperation.Deploy)
        {
            var problems = new List<FieldViolation>();
            foreach (var reference in graph.ExternalReferences)
            {
                var found = await projects.FindDeployedResourceAsync(project.Org, reference.Target, reference.Env, project.Id);
                if (found is null)
                {
                    problems.Add(new FieldViolation(reference.From.ToString(), $"reads {reference.FieldPath} of {reference.Target}{(reference.Env is null ? string.Empty : " in env " + reference.Env)}, which no other project of org {project.Org} has deployed"));
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
        return new BuildResult(project, revision, resources.ToDictionary(r => r.Key), records, external);
    }

    private async Task<RunResult> DeployAsync(PipelineRun run, BuildResult build)
    {
        var pipeline = run.Snapshot;
        var undeploy = pipeline.Operation == PipelineOperation.Undeploy;
        var nodes = pipeline.Nodes.ToDictionary(n => n.Key);
        var consumers = nodes.Keys.ToDictionary(k => k, _ => new List<ResourceKey>());
        foreach (var node in nodes.Values)
        {
            foreach (var producer in node.Producers)
            {
                consumers[producer].Add(node.Key);
            }
        }

        var waiting = nodes.Values.ToDictionary(n => n.Key, n => n.Producers.Count);
        var order = pipeline.Nodes.Select((n, i) => (n.Key, i)).ToDictionary(x => x.Key, x => x.i);
        var ready = new SortedSet<int>(nodes.Values.Where(n => n.Producers.Count == 0).Select(n => order[n.Key]));
        var running = new Dictionary<Task<(ResourceKey Key, RunResult Result)>, ResourceKey>();
        var outputs = new System.Collections.Concurrent.ConcurrentDictionary<ResourceKey, IReadOnlyDictionary<string, object?>>(build.Records.ToDictionary(r => r.Key, r => r.Value.Outputs));
        var finished = 0;

        while (finished < nodes.Count)
        {
            while (ready.Count > 0 && running.Count < pipeline.Parallelism && run.CancelRequestedBy is null)
            {
                var key = pipeline.Nodes[ready.Min].Key;
                ready.Remove(ready.Min);
                running[RunNodeAsync(run, build, key, undeploy, outputs)] = key;
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
        IReadOnlyDictionary<ResourceKey, ProjectResource> Records,
        IReadOnlyDictionary<(ResourceKey, string?), ProjectResource> External);
}
