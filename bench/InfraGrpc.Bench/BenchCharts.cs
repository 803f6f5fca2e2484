using System.Globalization;
using System.Text;

namespace InfraGrpc.Bench;

/// <summary>Charts generated for the benchmarks, identical for the C# and the handlebars.js runs.</summary>
internal static class BenchCharts
{
    /// <summary><paramref name="layers"/> × <paramref name="width"/> resources; each depends on one resource of the previous layer.</summary>
    public static Dictionary<string, string> Layered(string name, int layers, int width)
    {
        var files = new Dictionary<string, string>
        {
            ["Chart.yaml"] = $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: {name}}}\nspec: {{version: 1.0.0}}\n",
            ["values.yaml"] = "params:\n  - {name: region, value: us-east-1}\n  - {name: replicas, type: number, value: 2}\n  - {name: tags, type: object, value: {team: bench, tier: web}}\n  - {name: zones, type: list, value: [a, b, c]}\n",
            ["templates/_labels.hbs"] = "{app: \"{{project.name}}\", env: \"{{env}}\", chart: \"{{chart.name}}\"}",
        };
        for (var layer = 0; layer < layers; layer++)
        {
            var text = new StringBuilder();
            for (var i = 0; i < width; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"---\napiVersion: bench.infragrpc.dev/v1\nkind: Node\nmetadata:\n  name: n-{layer}-{i}\n  labels: {{{{> labels}}}}\nspec:\n");
                text.Append("  region: {{values.region}}\n  replicas: {{values.replicas}}\n  zones: {{json values.zones}}\n  owner: {{upper values.tags.team}}\n");
                text.Append("{{#if (gt values.replicas 1)}}\n  ha: true\n{{/if}}\n");
                if (layer > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"  input: {{valueFrom: {{kind: Node, name: n-{layer - 1}-{(i * 7) % width}, fieldPath: status.outputs.id}}}}\n");
                }
            }

            files[$"templates/layer-{layer:D3}.yaml"] = text.ToString();
        }

        return files;
    }
}
