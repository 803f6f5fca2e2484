using InfraGrpc.Domain.Graph;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>What a pipeline node does to its resource.</summary>
public enum NodeAction
{
    /// <summary>Create or update: refresh → preview → apply.</summary>
    Apply,

    /// <summary>Delete: refresh → destroy.</summary>
    Destroy,
}

/// <summary>A revision's resources and graph, as the planner reads them.</summary>
public sealed record RevisionContent(int Number, IReadOnlyList<CloudResource> Resources, ResourceGraph Graph)
{
    /// <summary>Revision 0 of a git project that has built none yet: no resources.</summary>
    public static RevisionContent None(string env) => new(0, [], ResourceGraph.Build([], env));
}

/// <summary>The nodes of a pipeline and the manifest each node works on.</summary>
public sealed record ReconcilePlan(IReadOnlyList<PipelineNode> Nodes, IReadOnlyDictionary<ResourceKey, CloudResource> Resources);

/// <summary>
/// The one reconciliation rule. A deploy applies the target revision, producers first, and destroys every
/// resource the project has deployed that is not in it. An undeploy destroys everything: the revision's
/// resources and every other resource the project has deployed. Destroys run consumers first: a destroy
/// waits for every resource that consumed it (in the target revision or in the revision that deployed
/// it), whether that consumer is being destroyed or re-applied without it, so nothing is deleted while
/// something still reads it.
/// </summary>
public static class Reconciler
{
    /// <summary>Records the rule treats as possibly present in the cloud.</summary>
    public static bool MayExist(ProjectResource record) => record.State is ResourceState.Deployed or ResourceState.Failed;

    /// <param name="target">The revision a deploy applies, or whose resources an undeploy destroys.</param>
    /// <param name="undeploy">Destroy everything instead of applying the target.</param>
    /// <param name="records">The project's resource records.</param>
    /// <param name="earlier">The revisions that deployed resources no longer in the target, by number.</param>
    public static ReconcilePlan Plan(RevisionContent target, bool undeploy, IReadOnlyList<ProjectResource> records, IReadOnlyDictionary<int, RevisionContent> earlier)
    {
        var resources = new Dictionary<ResourceKey, CloudResource>();
        var nodes = new List<(ResourceKey Key, NodeAction Action, bool Approval, List<ResourceKey> Waits)>();
        foreach (var resource in target.Resources)
        {
            resources[resource.Key] = resource;
        }

        if (!undeploy)
        {
            nodes.AddRange(target.Graph.Nodes.Select(n => (n.Key, NodeAction.Apply, n.RequiresApproval, n.Producers.ToList())));
        }

        // What is destroyed: leftovers (deployed, not in the target) and, for an undeploy, the target too.
        var leftovers = records.Where(r => MayExist(r) && !resources.ContainsKey(r.Key)).OrderBy(r => r.Key.ToString(), StringComparer.Ordinal).ToList();
        foreach (var record in leftovers)
        {
            resources[record.Key] = earlier.GetValueOrDefault(record.AppliedRevision)?.Resources.FirstOrDefault(r => r.Key == record.Key)
                ?? earlier.Values.OrderByDescending(r => r.Number).SelectMany(r => r.Resources).FirstOrDefault(r => r.Key == record.Key)
                ?? Placeholder(record.Key);
        }

        var destroyed = (undeploy ? target.Graph.Nodes.Select(n => n.Key) : []).Concat(leftovers.Select(r => r.Key)).ToList();
        var destroyIndex = destroyed.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        var waits = destroyed.ToDictionary(k => k, _ => new List<ResourceKey>());

        // Consumer edges from the target first (acyclic), then from older revisions, newest first, each
        // kept only if it closes no cycle among the destroys (a dependency may have flipped between revisions).
        var graphs = new[] { target }.Concat(earlier.Values.Where(r => r.Number != target.Number).OrderByDescending(r => r.Number));
        var first = true;
        foreach (var revision in graphs)
        {
            foreach (var edge in revision.Graph.Edges)
            {
                // edge: producer → consumer. A destroyed producer waits for its consumer's node.
                if (!waits.TryGetValue(edge.From, out var list) || edge.From == edge.To || list.Contains(edge.To))
                {
                    continue;
                }

                var consumerIsNode = destroyIndex.ContainsKey(edge.To) || (!undeploy && resources.ContainsKey(edge.To) && target.Graph.TopologicalOrder.Contains(edge.To));
                if (!consumerIsNode || (!first && destroyIndex.ContainsKey(edge.To) && Reaches(waits, edge.To, edge.From)))
                {
                    continue;
                }

                list.Add(edge.To);
            }

            first = false;
        }

        foreach (var key in destroyed)
        {
            var approval = (target.Graph.TopologicalOrder.Contains(key) && target.Graph[key].RequiresApproval) || resources[key].RequiresApproval;
            nodes.Add((key, NodeAction.Destroy, approval, waits[key]));
        }

        var pipelineNodes = nodes.Select(n => new PipelineNode(
            n.Key,
            n.Waits,
            new StackJob(RunStatus.Queued, RunResult.None, null, null, null, [], null, string.Empty, n.Approval, 0))
        { Action = n.Action }).ToList();
        return new ReconcilePlan(pipelineNodes, resources);
    }

    // Whether `from` already (transitively) waits for `to`.
    private static bool Reaches(Dictionary<ResourceKey, List<ResourceKey>> waits, ResourceKey from, ResourceKey to)
    {
        var seen = new HashSet<ResourceKey>();
        var pending = new Stack<ResourceKey>([from]);
        while (pending.Count > 0)
        {
            var key = pending.Pop();
            if (key == to)
            {
                return true;
            }

            if (seen.Add(key) && waits.TryGetValue(key, out var next))
            {
                foreach (var n in next)
                {
                    pending.Push(n);
                }
            }
        }

        return false;
    }

    // A resource whose manifest no stored revision holds any more: destroyed by kind and name alone.
    private static CloudResource Placeholder(ResourceKey key)
    {
        var metadata = ValueTree.NewMap();
        metadata["name"] = key.Name;
        var document = ValueTree.NewMap();
        document["kind"] = key.Kind;
        document["metadata"] = metadata;
        return new CloudResource(string.Empty, key.Kind, new ResourceMetadata(key.Name, null, new Dictionary<string, string>(), new Dictionary<string, string>(), null, []), ValueTree.NewMap(), [], string.Empty, string.Empty, document);
    }
}

/// <summary>Loads what <see cref="Reconciler.Plan"/> needs from the store: the target revision, the records, and the revisions that deployed leftovers.</summary>
public sealed class ReconcilePlanner(IProjectStore projects)
{
    /// <summary>Loads one revision's resources and graph.</summary>
    /// <exception cref="InvalidOperationException">The revision or its manifests are missing.</exception>
    public async Task<RevisionContent?> LoadAsync(Project project, int number, CancellationToken cancellationToken = default)
    {
        if (number == 0)
        {
            return RevisionContent.None(project.Env);
        }

        var revision = await projects.GetRevisionAsync(project.Id, number, cancellationToken);
        if (revision is null)
        {
            return null;
        }

        var manifests = await projects.GetManifestsAsync(revision.ManifestsDigest, cancellationToken)
            ?? throw new InvalidOperationException($"manifests {revision.ManifestsDigest} of {project.QualifiedName}#{number} are missing");
        var (resources, graph) = manifests.Load(project.Env);
        return new RevisionContent(number, resources, graph);
    }

    /// <summary>The plan for deploying (or undeploying) <paramref name="target"/> against what the project has deployed now.</summary>
    public async Task<ReconcilePlan> PlanAsync(Project project, RevisionContent target, bool undeploy, CancellationToken cancellationToken = default)
    {
        var records = await projects.ListResourcesAsync(project.Id, cancellationToken);
        var targetKeys = target.Resources.Select(r => r.Key).ToHashSet();
        var earlier = new Dictionary<int, RevisionContent>();
        foreach (var number in records.Where(r => Reconciler.MayExist(r) && !targetKeys.Contains(r.Key)).Select(r => r.AppliedRevision).Distinct())
        {
            if (number != target.Number && await LoadAsync(project, number, cancellationToken) is { } content)
            {
                earlier[number] = content;
            }
        }

        return Reconciler.Plan(target, undeploy, records, earlier);
    }

    /// <summary>The deployed resources whose applied revision renders them exactly as <paramref name="target"/> does.</summary>
    public async Task<HashSet<ResourceKey>> InSyncAsync(Project project, RevisionContent? target, IReadOnlyList<ProjectResource> records, CancellationToken cancellationToken = default)
    {
        var inSync = new HashSet<ResourceKey>();
        if (target is null)
        {
            return inSync;
        }

        var yaml = target.Resources.ToDictionary(r => r.Key, r => r.Yaml);
        var loaded = new Dictionary<int, RevisionContent?> { [target.Number] = target };
        foreach (var record in records.Where(r => r.State == ResourceState.Deployed && yaml.ContainsKey(r.Key)))
        {
            if (!loaded.TryGetValue(record.AppliedRevision, out var applied))
            {
                applied = record.AppliedRevision > project.CurrentRevision ? null : await LoadAsync(project, record.AppliedRevision, cancellationToken);
                loaded[record.AppliedRevision] = applied;
            }

            if (applied?.Resources.FirstOrDefault(r => r.Key == record.Key)?.Yaml == yaml[record.Key])
            {
                inSync.Add(record.Key);
            }
        }

        return inSync;
    }

    /// <summary>What deploying <paramref name="target"/> would do to what the project has deployed now, like a Terraform plan.</summary>
    public async Task<DeployPreview> PreviewAsync(Project project, RevisionContent target, CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(project, target, undeploy: false, cancellationToken);
        var records = (await projects.ListResourcesAsync(project.Id, cancellationToken)).ToDictionary(r => r.Key);
        var inSync = await InSyncAsync(project, target, records.Values.ToList(), cancellationToken);
        var changes = plan.Nodes.Select(n => (n.Key, n.Action == NodeAction.Destroy ? PlannedAction.Destroy
            : inSync.Contains(n.Key) ? PlannedAction.NoChange
            : records.TryGetValue(n.Key, out var r) && Reconciler.MayExist(r) ? PlannedAction.Update
            : PlannedAction.Create)).ToList();
        return new DeployPreview(changes);
    }
}

/// <summary>What a deploy does to one resource.</summary>
public enum PlannedAction
{
    Create,
    Update,
    Destroy,
    NoChange,
}

/// <summary>A deploy plan: one action per resource, in the order the pipeline would start them.</summary>
public sealed record DeployPreview(IReadOnlyList<(ResourceKey Key, PlannedAction Action)> Changes)
{
    public int Count(PlannedAction action) => Changes.Count(c => c.Action == action);

    /// <summary>For people: <c>2 to create, 1 to update, 1 to destroy</c> (and the unchanged count when there are some).</summary>
    public string Summary
    {
        get
        {
            var text = $"{Count(PlannedAction.Create)} to create, {Count(PlannedAction.Update)} to update, {Count(PlannedAction.Destroy)} to destroy";
            return Count(PlannedAction.NoChange) is > 0 and var same ? $"{text}, {same} unchanged" : text;
        }
    }
}
