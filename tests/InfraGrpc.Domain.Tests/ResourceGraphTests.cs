using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Graph;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Tests;

public sealed class ResourceGraphTests
{
    [Fact]
    public void Build_Diamond_HasLayersProducersAndConsumers()
    {
        var result = new ChartBuilder().With("templates/a.yaml", Docs(
            ("A", "a", []),
            ("B", "b", ["A/a"]),
            ("C", "c", ["A/a"]),
            ("D", "d", ["B/b", "C/c"]))).Render();

        var graph = result.Graph;
        Assert.Equal(["A/a", "B/b", "C/c", "D/d"], graph.TopologicalOrder.Select(k => k.ToString()));
        Assert.Equal([["A/a"], ["B/b", "C/c"], ["D/d"]], graph.Layers.Select(l => l.Select(k => k.ToString()).ToArray()));
        Assert.Equal(["B/b", "C/c"], graph[new ResourceKey("D", "d")].Producers.Select(k => k.ToString()));
        Assert.Equal(["B/b", "C/c"], graph[new ResourceKey("A", "a")].Consumers.Select(k => k.ToString()));
    }

    [Fact]
    public void Build_Cycle_IsSpelledOutInOrder()
    {
        var error = Assert.Throws<DependencyCycleException>(() => new ChartBuilder().With("templates/a.yaml", Docs(
            ("AwsVpc", "a", ["AwsSubnet/b"]),
            ("AwsSubnet", "b", ["AwsRoute/c"]),
            ("AwsRoute", "c", ["AwsVpc/a"]),
            ("Other", "o", []))).Render());

        Assert.Equal(4, error.Cycle.Count);
        Assert.Equal(error.Cycle[0], error.Cycle[^1]);
        Assert.Equal(["AwsRoute/c", "AwsSubnet/b", "AwsVpc/a"], error.Cycle.Take(3).Order(StringComparer.Ordinal));
        Assert.Contains("→", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SelfReference_IsACycleOfOne()
    {
        var error = Assert.Throws<DependencyCycleException>(() => new ChartBuilder().With("templates/a.yaml", Docs(("A", "a", ["A/a"]))).Render());

        Assert.Equal(["A/a", "A/a"], error.Cycle);
    }

    [Fact]
    public void Build_RelationshipsAreOrderingEdges()
    {
        var result = new ChartBuilder().With(
            "templates/a.yaml",
            ChartBuilder.Manifest("Cluster", "k") + "---\n" + ChartBuilder.Manifest("Addon", "x", extraMetadata: "  relationships: [{kind: Cluster, name: k, type: runs_on}]\n")).Render();

        var edge = Assert.Single(result.Graph.Edges);
        Assert.Equal(EdgeKind.Relationship, edge.Kind);
        Assert.Equal(RelationshipType.RunsOn, edge.RelationshipType);
    }

    [Fact]
    public void Build_ReferencesOutsideTheProject_AreExternalNotEdges()
    {
        var result = new ChartBuilder().With("templates/a.yaml", ChartBuilder.Manifest("App", "a", """

              vpc: {valueFrom: {kind: AwsVpc, name: shared-vpc, fieldPath: status.outputs.vpcId}}
              zone: {valueFrom: {kind: App, name: a2, env: prod, fieldPath: metadata.name}}
            """) + "---\n" + ChartBuilder.Manifest("App", "a2")).Render();

        Assert.Empty(result.Graph.Edges);
        Assert.Equal(["AwsVpc/shared-vpc", "App/a2"], result.Graph.ExternalReferences.Select(r => r.Target.ToString()));
        Assert.Equal("prod", result.Graph.ExternalReferences[1].Env);
        Assert.Equal(2, result.Diagnostics.Count(d => d.Code == "EXTERNAL_REFERENCE"));
    }

    private static string Docs(params (string Kind, string Name, string[] DependsOn)[] nodes) => string.Join("---\n", nodes.Select(n =>
        ChartBuilder.Manifest(n.Kind, n.Name, n.DependsOn.Length == 0
            ? "{}"
            : "\n" + string.Join('\n', n.DependsOn.Select((d, i) =>
                $"  in{i}: {{valueFrom: {{kind: {d.Split('/')[0]}, name: {d.Split('/')[1]}, fieldPath: status.outputs.id}}}}")))));
}
