using Google.Protobuf.WellKnownTypes;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// A chart whose resources are whatever the values list: <c>things: [{name, uses, env}]</c> renders one
/// <c>Thing</c> per entry, reading <c>uses</c>' id (outside the project when no entry has that name; in
/// env <c>env</c> when given). Values add, remove and rename resources, which lifecycle tests need.
/// </summary>
public static class LifecycleChart
{
    public const string Name = "lifecycle-test";

    /// <summary>The chart; from version 2 on, every resource also carries a <c>generation</c> label, so an upgrade changes every manifest.</summary>
    public static Proto.ChartFiles Files(string version = "1.0.0")
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: {Name}}}\nspec: {{version: {version}}}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n  - {name: things, type: list, value: [{name: a, uses: \"\", env: \"\"}]}\n"));
        files.Files.Add(Charts.File("templates/things.yaml", """
            {{#each values.things}}
            apiVersion: test.infragrpc.dev/v1
            kind: Thing
            metadata:
              name: {{this.name}}
            GENERATION
            spec:
            {{#if this.uses}}
              input: {valueFrom: {kind: Thing, name: {{this.uses}}, {{#if this.env}}env: {{this.env}}, {{/if}}fieldPath: status.outputs.id}}
            {{else}}
              input: none
            {{/if}}
            ---
            {{/each}}

            """.Replace("GENERATION\n", version.StartsWith("1.", StringComparison.Ordinal) ? string.Empty : "  labels: {generation: two}\n", StringComparison.Ordinal)));
        return files;
    }

    /// <summary>Values naming the things, each <c>name</c> or <c>name&gt;uses</c> or <c>name&gt;uses@env</c>.</summary>
    public static Proto.ValuesInput Values(params string[] things)
    {
        var list = new ListValue();
        foreach (var thing in things)
        {
            var item = new Struct();
            var (name, rest) = thing.Split('>') is [var n, var r] ? (n, r) : (thing, null);
            item.Fields["name"] = Value.ForString(name);
            item.Fields["uses"] = Value.ForString(string.Empty);
            item.Fields["env"] = Value.ForString(string.Empty);
            if (rest is not null)
            {
                var (uses, env) = rest.Split('@') is [var u, var e] ? (u, e) : (rest, null);
                item.Fields["uses"] = Value.ForString(uses);
                if (env is not null)
                {
                    item.Fields["env"] = Value.ForString(env);
                }
            }

            list.Values.Add(Value.ForStruct(item));
        }

        var layer = new Struct();
        layer.Fields["things"] = Value.ForList([.. list.Values]);
        return new Proto.ValuesInput { Layers = { layer } };
    }

    public static Proto.CreateProjectRequest Create(string name, string env, params string[] things) => CreateIn("life", name, env, things);

    public static Proto.CreateProjectRequest CreateIn(string org, string name, string env, params string[] things) => new()
    {
        Name = name,
        Org = org,
        Env = env,
        Chart = new Proto.ChartReference { Name = Name },
        Values = Values(things),
    };
}

/// <summary>A server whose simulated cloud answers at once, with the lifecycle chart and the story chart published.</summary>
public sealed class LifecycleServerFixture() : ServerFixture("--InfraGrpc:Simulated:Latency=00:00:00")
{
    protected override async Task SeedAsync(Clients api)
    {
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = LifecycleChart.Files() });
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = FiveEnvironmentStoryTests.StoryChart("1.0.0", null) });
    }

    /// <summary>What the simulated cloud holds for a project: <c>Kind/name</c> keys, in order.</summary>
    public Task<IReadOnlyList<string>> InventoryAsync(string projectId) => InventoryOf(Host, projectId);

    /// <summary>What a server's simulated cloud holds for a project, read from its store.</summary>
    public static async Task<IReadOnlyList<string>> InventoryOf(ServerHost host, string projectId)
    {
        var inventory = (Domain.Pipelines.ISimulatedInventory)host.Services.GetService(typeof(Domain.Pipelines.ISimulatedInventory))!;
        return (await inventory.ListKeysAsync(projectId + "/")).Select(k => k[(projectId.Length + 1)..]).ToList();
    }
}
