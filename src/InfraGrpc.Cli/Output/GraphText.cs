using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Output;

/// <summary>The dependency graph as YAML comments, so <c>chart render</c> output stays valid multi-document YAML.</summary>
internal static class GraphText
{
    public static void Write(TextWriter writer, Proto.ResourceGraph graph)
    {
        writer.WriteLine("---");
        writer.WriteLine($"# Dependency graph: {graph.Nodes.Count} resources, {graph.Edges.Count} dependencies, {graph.Layers.Count} layers");
        for (var i = 0; i < graph.Layers.Count; i++)
        {
            writer.WriteLine($"#   layer {i}: {string.Join(", ", graph.Layers[i].Keys)}");
        }

        foreach (var node in graph.Nodes.Where(n => n.Producers.Count > 0))
        {
            writer.WriteLine($"#   {node.Key} <- {string.Join(", ", node.Producers)}");
        }

        foreach (var external in graph.ExternalReferences)
        {
            var env = external.Target.Env.Length > 0 ? $" (env {external.Target.Env})" : string.Empty;
            writer.WriteLine($"#   {external.From} reads {external.FieldPath} of {external.Target.Kind}/{external.Target.Name}{env}, outside this project");
        }
    }
}
