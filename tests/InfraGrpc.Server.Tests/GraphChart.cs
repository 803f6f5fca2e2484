using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// A chart with a diamond (a → b, a → c, b + c → d) and a chain (e → f → g → h). Values pick a node
/// whose apply fails (<c>failOn</c>) and a node that needs an approval (<c>gateOn</c>).
/// </summary>
internal static class GraphChart
{
    public const string Name = "graph-test";

    public static readonly (string Node, string[] Producers)[] Nodes =
    [
        ("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"]),
        ("e", []), ("f", ["e"]), ("g", ["f"]), ("h", ["g"]),
    ];

    public static Proto.ChartFiles Files()
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: {Name}}}\nspec: {{version: 1.0.0}}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n  - {name: failOn, value: \"\"}\n  - {name: gateOn, value: \"\"}\n"));
        foreach (var (node, producers) in Nodes)
        {
            var inputs = producers.Length == 0
                ? "{}"
                : "\n" + string.Join('\n', producers.Select(p => $"  from_{p}: {{valueFrom: {{kind: Thing, name: {p}, fieldPath: status.outputs.id}}}}"));
            var template =
                "apiVersion: test.infragrpc.dev/v1\nkind: Thing\nmetadata:\n  name: " + node + "\n" +
                "{{#if (eq values.failOn \"" + node + "\")}}\n  annotations: {sim.infragrpc.dev/fail: apply}\n{{/if}}\n" +
                "{{#if (eq values.gateOn \"" + node + "\")}}\n  labels: {infragrpc.dev/gate: manual}\n{{/if}}\n" +
                "spec: " + inputs + "\n";
            files.Files.Add(Charts.File($"templates/{node}.yaml", template));
        }

        return files;
    }
}
