using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Tests;

public sealed class ChartRenderingTests
{
    [Fact]
    public void Render_PartialsFromNestedFolders_AreRegisteredByFileName()
    {
        var result = new ChartBuilder()
            .With("templates/deep/er/still/_labels.hbs", "{team: {{project.org}}, env: {{env}} }")
            .With("templates/a/b/c/thing.yaml", ChartBuilder.Manifest("Thing", "t", extraMetadata: "  labels: {{> labels}}\n"))
            .Render();

        var thing = Assert.Single(result.Resources);
        Assert.Equal("acme", thing.Metadata.Labels["team"]);
        Assert.Equal("templates/a/b/c/thing.yaml", thing.SourceFile);
    }

    [Fact]
    public void Render_ConditionalDocuments_AreDroppedWhenEmpty()
    {
        var chart = new ChartBuilder(values: "params:\n  - {name: withB, type: bool, value: false}\n")
            .With("templates/a.yaml", ChartBuilder.Manifest("Thing", "a") + "---\n{{#if values.withB}}\n" + ChartBuilder.Manifest("Thing", "b") + "{{/if}}\n---\n\n   \n---\n");

        Assert.Equal(["a"], chart.Render().Resources.Select(r => r.Metadata.Name));
        Assert.Equal(["a", "b"], chart.Render("withB=true").Resources.Select(r => r.Metadata.Name));
    }

    [Fact]
    public void Render_ManyDocumentsAcrossFiles_KeepPathThenDocumentOrder()
    {
        var result = new ChartBuilder()
            .With("templates/z.yaml", ChartBuilder.Manifest("Thing", "z1") + "---\n" + ChartBuilder.Manifest("Thing", "z2"))
            .With("templates/a/m.yaml", ChartBuilder.Manifest("Thing", "m"))
            .Render();

        Assert.Equal(["m", "z1", "z2"], result.Resources.Select(r => r.Metadata.Name));
    }

    [Fact]
    public void Render_UnresolvedBinding_IsAnErrorNamingTheTemplate()
    {
        var error = Assert.Throws<ValidationException>(() => new ChartBuilder()
            .With("templates/bad.yaml", ChartBuilder.Manifest("Thing", "{{values.missing}}"))
            .Render());

        Assert.Equal("templates/bad.yaml", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Load_TemplateThatDoesNotCompile_IsReportedAtLoadAndRender()
    {
        var error = Assert.Throws<ValidationException>(() => new ChartBuilder()
            .With("templates/bad.yaml", "{{#if env}}never closed")
            .With("templates/good.yaml", ChartBuilder.Manifest("Thing", "a"))
            .Render());

        Assert.Equal("templates/bad.yaml", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Render_RenderedTextThatIsNotYaml_NamesTheFileAndLine()
    {
        var error = Assert.Throws<ValidationException>(() => new ChartBuilder()
            .With("templates/bad.yaml", "a: b\n  c: [unclosed\n")
            .Render());

        var violation = Assert.Single(error.Violations);
        Assert.Equal("templates/bad.yaml", violation.Field);
        Assert.Contains("line 2", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ReferencesInNestedListsAndMaps_BecomeEdges()
    {
        var result = new ChartBuilder()
            .With("templates/a.yaml", ChartBuilder.Manifest("AwsVpc", "vpc") + "---\n" + ChartBuilder.Manifest(
                "AwsAlb",
                "alb",
                "\n  subnets:\n    - valueFrom: {kind: AwsVpc, name: vpc, fieldPath: 'status.outputs.subnets.[0].id'}\n  deep: {x: {y: [{z: {valueFrom: {kind: AwsVpc, name: vpc, fieldPath: 'status.outputs.subnets[1].id'}}}]}}"))
            .Render();

        var alb = result.Resources.Single(r => r.Kind == "AwsAlb");
        Assert.Equal(["spec.subnets[0]", "spec.deep.x.y[0].z"], alb.References.Select(r => r.Location));
        Assert.Equal(["status.outputs.subnets[0].id", "status.outputs.subnets[1].id"], alb.References.Select(r => r.FieldPath.ToString()));
        Assert.Equal([new ResourceKey("AwsVpc", "vpc")], result.Graph[alb.Key].Producers);
    }
}
