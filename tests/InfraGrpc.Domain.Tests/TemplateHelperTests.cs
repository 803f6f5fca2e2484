using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Rendering;

namespace InfraGrpc.Domain.Tests;

public sealed class TemplateHelperTests
{
    private const string Values = """
        params:
          - {name: name, value: "  Web App "}
          - {name: count, type: number, value: 3}
          - {name: flag, type: bool, value: true}
          - {name: empty, value: ""}
          - {name: items, type: list, value: [a, b, c]}
          - {name: tags, type: object, value: {team: core, tier: web}}
        """;

    [Theory]
    [InlineData("{{eq values.count 3}}", "true")]
    [InlineData("{{eq values.items.[0] \"a\"}}", "true")]
    [InlineData("{{ne values.count 3}}", "false")]
    [InlineData("{{gt values.count 2}}", "true")]
    [InlineData("{{gte values.count 3}}", "true")]
    [InlineData("{{lt values.count 3}}", "false")]
    [InlineData("{{lte values.count 2}}", "false")]
    [InlineData("{{and values.flag values.count}}", "true")]
    [InlineData("{{and values.flag values.empty}}", "false")]
    [InlineData("{{or values.empty values.flag}}", "true")]
    [InlineData("{{not values.empty}}", "true")]
    [InlineData("{{default values.empty \"fallback\"}}", "fallback")]
    [InlineData("{{default values.count 9}}", "3")]
    [InlineData("{{quote values.name}}", "\"  Web App \"")]
    [InlineData("{{json values.items}}", "[\"a\",\"b\",\"c\"]")]
    [InlineData("{{json values.tags}}", "{\"team\":\"core\",\"tier\":\"web\"}")]
    [InlineData("{{yaml values.tags}}", "team: core\ntier: web")]
    [InlineData("{{upper values.name}}", "  WEB APP ")]
    [InlineData("{{lower values.name}}", "  web app ")]
    [InlineData("{{trim values.name}}", "Web App")]
    [InlineData("{{replace (trim values.name) \" \" \"-\"}}", "Web-App")]
    [InlineData("{{join values.items \"+\"}}", "a+b+c")]
    [InlineData("{{join (split \"x;y\" \";\") \",\"}}", "x,y")]
    [InlineData("{{includes values.items \"b\"}}", "true")]
    [InlineData("{{includes values.items \"z\"}}", "false")]
    [InlineData("{{includes values.name \"App\"}}", "true")]
    [InlineData("{{indent 2 (yaml values.tags)}}", "  team: core\n  tier: web")]
    [InlineData("{{b64enc \"hello\"}}", "aGVsbG8=")]
    [InlineData("{{values.flag}}", "true")]
    [InlineData("{{#if (eq env \"dev\")}}dev{{else}}other{{/if}}", "dev")]
    [InlineData("{{project.name}}/{{project.org}}/{{project.env}}/{{chart.name}}@{{chart.version}}/{{values.env}}", "demo/acme/dev/test-chart@1.0.0/dev")]
    public void Helper_RendersExpectedText(string expression, string expected)
    {
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", "{}").Load();
        var values = ValuesResolver.Resolve(chart.Parameters, [], []);
        var context = ChartRenderer.BuildContext(chart, new RenderInput([], [], "demo", "acme", "dev"), values);
        var template = CompiledChart.CreateEnvironment().Compile(expression);

        var output = OutputMarks.Strip(template(context)).Text;

        Assert.Equal(expected, output);
    }
}
