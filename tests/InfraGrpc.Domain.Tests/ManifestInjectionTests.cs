using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Domain.Tests;

/// <summary>A parameter value lands in exactly one YAML scalar (or, through yaml/json/quote, one node): never more structure.</summary>
public sealed class ManifestInjectionTests
{
    private const string Values = """
        params:
          - {name: v, value: ok}
          - {name: tags, type: object, value: {team: core}}
          - {name: zones, type: list, value: [a, b]}
        """;

    /// <summary>Strings that would add a key, a document, a collection, an anchor, an alias, a tag or a comment.</summary>
    public static TheoryData<string> Corpus() =>
    [
        "a\nkind: Evil",
        "a\n---\napiVersion: x/v1\nkind: AwsIamUser\nmetadata: {name: backdoor}\nspec: {admin: true",
        "a\n...\n---\nkind: X",
        "404.html}\n---\napiVersion: aws.project-planton.org/v1\nkind: AwsIamUser\nmetadata: {name: backdoor}\nspec: {admin: true",
        "a}",
        "a]",
        "a, evil: 1",
        "a: b",
        "a # comment",
        "\" evil: 1",
        "' evil",
        "&anchor a",
        "*alias",
        "!!binary aGVsbG8=",
        "!custom a",
        "[a, b]",
        "{a: b}",
        "a\u2028evil: 1",
        "a\u2029b",
        "a\u0085evil: 1",
        "a\r\nevil: 1",
        "- a",
        "? a",
        "a\uFDD1\n---\nkind: Evil\uFDD0b",
        "{{values.tags}}",
        "}}{{",
        "a\n  nested: {{x}}",
        "%YAML 1.2",
        "a\t#b",
        "|\n  block",
        "> folded",
        "@reserved",
        "`backtick",
    ];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Render_ValueInPlainScalarContext_NeverAddsStructure(string hostile)
    {
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", ChartBuilder.Manifest("AwsS3Bucket", "b", "{name: {{values.v}} }") + "\n---\n" + ChartBuilder.Manifest("AwsVpc", "v", "\n  note: {{values.v}}\n  other: 1"));

        var outcome = Record.Exception(() => chart.Render("v=" + hostile));

        if (outcome is null)
        {
            // Accepted only where it stayed one scalar: the same resources with the same keys as the template wrote.
            var result = chart.Render("v=" + hostile);
            Assert.Equal(["AwsS3Bucket/b", "AwsVpc/v"], result.Resources.Select(r => r.Key.ToString()));
            Assert.Equal(["name"], result.Resources[0].Spec.Keys);
            Assert.Equal(["note", "other"], result.Resources[1].Spec.Keys);
            Assert.IsType<string>(result.Resources[0].Spec["name"]);
        }
        else
        {
            var error = Assert.IsType<ValidationException>(outcome);
            Assert.Contains(error.Violations, v => v.Field == "values.v" || v.Field.StartsWith("templates/a.yaml", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Render_ValueThroughQuote_IsOneStringScalar(string hostile)
    {
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", ChartBuilder.Manifest("AwsS3Bucket", "b", "{name: {{quote values.v}} }") + "\n---\n" + ChartBuilder.Manifest("AwsVpc", "v", "\n  note: {{quote values.v}}\n  other: 1"));

        var result = chart.Render("v=" + hostile);

        Assert.Equal(2, result.Resources.Count);
        Assert.Equal(hostile, result.Resources[0].Spec["name"]);
    }

    [Fact]
    public void Render_ManifestInjectionThroughStaticWebsiteErrorDocument_IsRefusedNamingTheParameter()
    {
        var chart = new ChartBuilder(values: "params:\n  - {name: errorDocument, value: 404.html}\n")
            .With("templates/a.yaml", ChartBuilder.Manifest("AwsS3Bucket", "site", "\n  website: {indexDocument: index.html, errorDocument: {{values.errorDocument}} }"));

        var error = Assert.Throws<ValidationException>(() => chart.Render("errorDocument=404.html}\n---\napiVersion: aws.project-planton.org/v1\nkind: AwsIamUser\nmetadata: {name: backdoor}\nspec: {admin: true"));

        Assert.Equal("values.errorDocument", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Render_OrdinaryValuesInsideScalars_AreAccepted()
    {
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", ChartBuilder.Manifest("AwsS3Bucket", "b-{{values.v}}", "\n  name: \"x-{{values.v}}-y\"\n  plain: {{values.v}} and more\n  list: [{{values.v}}, z]\n  # owned by {{values.v}}\n  single: '{{values.v}}'"));

        var result = chart.Render("v=web-app.1");

        Assert.Equal("x-web-app.1-y", result.Resources[0].Spec["name"]);
        Assert.Equal("web-app.1 and more", result.Resources[0].Spec["plain"]);
        Assert.Equal("b-web-app.1", result.Resources[0].Key.Name);
    }

    [Fact]
    public void Render_ValueWithALineBreakInAComment_IsRefused()
    {
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", ChartBuilder.Manifest("AwsS3Bucket", "b", "\n  # owned by {{values.v}}\n  x: 1"));

        var error = Assert.Throws<ValidationException>(() => chart.Render("v=a\nkind: Evil"));

        Assert.Equal("values.v", Assert.Single(error.Violations).Field);
    }

    [Theory]
    [InlineData("tags={\"a\\n---\\nkind\": \"x\\n---\", \"b: c\": \"&x *y\"}")]
    [InlineData("tags={k: \"]}\"}")]
    public void Render_ObjectThroughYamlAndJson_IsExactlyOneNode(string set)
    {
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", ChartBuilder.Manifest("AwsS3Bucket", "b", "\n  tags:\n{{indent 4 (yaml values.tags)}}\n  json: {{json values.tags}}\n  zones: {{json values.zones}}"));

        var result = chart.Render(set);

        var resource = Assert.Single(result.Resources);
        Assert.Equal(resource.Spec["tags"], resource.Spec["json"]);
    }

    [Fact]
    public void Render_MultiLineStringThroughYamlAtTheWrongIndent_IsRefused()
    {
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", ChartBuilder.Manifest("AwsS3Bucket", "b", "\n  nested:\n    name: {{yaml values.v}}"));

        var error = Assert.Throws<ValidationException>(() => chart.Render("v=x\n  evil: 1\nz"));

        Assert.NotEmpty(error.Violations);
    }

    [Theory]
    [InlineData("{{{values.v}}}")]
    [InlineData("{{~{values.v}~}}")]
    [InlineData("{{& values.v}}")]
    [InlineData("a: b\u0000")]
    public void Load_TemplateThatWritesUncheckedOrHoldsNul_IsRefused(string template)
    {
        var error = Assert.Throws<ValidationException>(() => new ChartBuilder(values: Values).With("templates/a.yaml", template).Render());

        Assert.Equal("templates/a.yaml", Assert.Single(error.Violations).Field);
    }
}
