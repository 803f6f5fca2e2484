using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Resources;
using QuikGraph;
using QuikGraph.Algorithms.Search;

namespace InfraGrpc.Domain.Graph;

/// <summary>
/// The dependency graph of a project's manifests: edges from every <c>valueFrom</c> under spec and from
/// <c>metadata.relationships</c>, a topological order, and layers of nodes that can run in parallel.
/// QuikGraph does the graph work; none of its types or exceptions leave this class.
/// </summary>
public sealed class ResourceGraph
{
    private readonly Dictionary<ResourceKey, GraphNode> _nodesByKey;

    private ResourceGraph(
        IReadOnlyList<GraphNode> nodes,
        IReadOnlyList<GraphEdge> edges,
        IReadOnlyList<ResourceKey> topologicalOrder,
        IReadOnlyList<IReadOnlyList<ResourceKey>> layers,
        IReadOnlyList<ExternalReference> externalReferences)
    {
        Nodes = nodes;
        Edges = edges;
        TopologicalOrder = topologicalOrder;
        Layers = layers;
        ExternalReferences = externalReferences;
        _nodesByKey = nodes.ToDictionary(n => n.Key);
    }

    /// <summary>The nodes in document order.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>Every edge inside the project, producer to consumer.</summary>
    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>Every node, producers before consumers; ties keep document order.</summary>
    public IReadOnlyList<ResourceKey> TopologicalOrder { get; }

    /// <summary>Layer n holds the nodes whose longest chain of producers has length n.</summary>
    public IReadOnlyList<IReadOnlyList<ResourceKey>> Layers { get; }

    /// <summary>References that point outside the project.</summary>
    public IReadOnlyList<ExternalReference> ExternalReferences { get; }

    /// <summary>Looks up a node.</summary>
    public GraphNode this[ResourceKey key] => _nodesByKey[key];

    /// <summary>Builds the graph of validated manifests.</summary>
    /// <param name="resources">The project's manifests (unique kind/name, as <see cref="ManifestParser"/> guarantees).</param>
    /// <param name="projectEnv">The project's environment: a reference naming another env points outside.</param>
    /// <exception cref="DependencyCycleException">The manifests depend on each other in a cycle.</exception>
    public static ResourceGraph Build(IReadOnlyList<CloudResource> resources, string projectEnv)
    {
        var keys = resources.Select(r => r.Key).ToHashSet();
        var graph = new BidirectionalGraph<ResourceKey, TaggedEdge<ResourceKey, GraphEdge>>(allowParallelEdges: true);
        graph.AddVertexRange(resources.Select(r => r.Key));
        var edges = new List<GraphEdge>();
        var externals = new List<ExternalReference>();

        foreach (var resource in resources)
        {
            foreach (var reference in resource.References)
            {
                var inProject = keys.Contains(reference.Target) && (reference.Env is null || reference.Env == projectEnv);
                if (inProject)
                {
                    edges.Add(new GraphEdge(reference.Target, resource.Key, EdgeKind.Reference, reference.FieldPath.ToString(), null));
                }
                else
                {
                    externals.Add(new ExternalReference(resource.Key, reference.Target, reference.Env, reference.FieldPath.ToString()));
                }
            }

            edges.AddRange(resource.Metadata.Relationships
                .Where(r => keys.Contains(r.Target))
                .Select(r => new GraphEdge(r.Target, resource.Key, EdgeKind.Relationship, null, r.Type)));
        }

        graph.AddEdgeRange(edges.Select(e => new TaggedEdge<ResourceKey, GraphEdge>(e.From, e.To, e)));
        ThrowIfCyclic(graph);

        var order = TopologicalSort(graph, resources);
        var layerOf = new Dictionary<ResourceKey, int>();
        foreach (var key in order)
        {
            layerOf[key] = graph.InEdges(key).Select(e => layerOf[e.Source] + 1).DefaultIfEmpty(0).Max();
        }

        var layers = order.GroupBy(k => layerOf[k]).OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<ResourceKey>)g.ToList()).ToList();
        var nodes = resources.Select(r => new GraphNode(
            r.Key,
            r.Metadata.Group,
            graph.InEdges(r.Key).Select(e => e.Source).Distinct().ToList(),
            graph.OutEdges(r.Key).Select(e => e.Target).Distinct().ToList(),
            r.RequiresApproval)).ToList();
        return new ResourceGraph(nodes, edges, order, layers, externals);
    }

    /// <summary>Kahn's algorithm, always taking the ready node that comes first in the documents, so the order is stable.</summary>
    private static List<ResourceKey> TopologicalSort(
        BidirectionalGraph<ResourceKey, TaggedEdge<ResourceKey, GraphEdge>> graph, IReadOnlyList<CloudResource> resources)
    {
        var index = resources.Select((r, i) => (r.Key, i)).ToDictionary(x => x.Key, x => x.i);
        var waiting = resources.ToDictionary(r => r.Key, r => graph.InDegree(r.Key));
        var ready = new SortedSet<int>(resources.Where(r => waiting[r.Key] == 0).Select(r => index[r.Key]));
        var order = new List<ResourceKey>(resources.Count);
        while (ready.Count > 0)
        {
            var next = resources[ready.Min].Key;
            ready.Remove(ready.Min);
            order.Add(next);
            foreach (var edge in graph.OutEdges(next))
            {
                if (--waiting[edge.Target] == 0)
                {
                    ready.Add(index[edge.Target]);
                }
            }
        }

        return order;
    }

    private static void ThrowIfCyclic(BidirectionalGraph<ResourceKey, TaggedEdge<ResourceKey, GraphEdge>> graph)
    {
        var parent = new Dictionary<ResourceKey, ResourceKey>();
        List<ResourceKey>? cycle = null;
        var search = new DepthFirstSearchAlgorithm<ResourceKey, TaggedEdge<ResourceKey, GraphEdge>>(graph);
        search.TreeEdge += edge => parent[edge.Target] = edge.Source;
        search.BackEdge += edge =>
        {
            if (cycle is not null)
            {
                return;
            }

            // The back edge u → v closes the cycle v → … → u → v found along the DFS tree.
            var path = new List<ResourceKey> { edge.Source };
            for (var node = edge.Source; !node.Equals(edge.Target); node = parent[node])
            {
                path.Add(parent[node]);
            }

            path.Reverse();
            path.Add(edge.Target);
            cycle = path;
            search.Abort();
        };
        search.Compute();
        if (cycle is not null)
        {
            throw new DependencyCycleException(cycle.Select(k => k.ToString()).ToList());
        }
    }
}
