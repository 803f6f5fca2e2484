using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Tests;

public sealed class ManifestValidationTests
{
    [Theory]
    [InlineData("kind: Thing\nmetadata: {name: a}", "apiVersion")]
    [InlineData("apiVersion: v1\nkind: Thing\nmetadata: {name: a}", "apiVersion")]
    [InlineData("apiVersion: x.io/v1\nmetadata: {name: a}", "kind")]
    [InlineData("apiVersion: x.io/v1\nkind: lowerCase\nmetadata: {name: a}", "kind")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing", "metadata")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a/b}", "metadata.name")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: \"a b\"}", "metadata.name")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: \"a\\tb\"}", "metadata.name")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: \"a\\u0001\"}", "metadata.name")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a}\nspec: [1]", "spec")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a, labels: [x]}", "metadata.labels")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a, relationships: [{kind: Thing}]}", "metadata.relationships[0]")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a, relationships: [{kind: Thing, name: b, type: likes}]}", "metadata.relationships[0].type")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a}\nspec: {x: {valueFrom: {kind: Thing}}}", "spec.x.valueFrom")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a}\nspec: {x: {valueFrom: {kind: Thing, name: b, fieldPath: status.nope}}}", "spec.x.valueFrom.fieldPath")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a}\nspec: {x: {valueFrom: {kind: Thing, name: b, fieldPath: spec.y}, extra: 1}}", "spec.x")]
    [InlineData("apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a}\nspec: {x: {valueFrom: {kind: Thing, name: b, fieldPath: 'status.outputs.l[x]'}}}", "spec.x.valueFrom.fieldPath")]
    [InlineData("- just\n- a list", "document")]
    public void Parse_InvalidManifest_NamesFileLineAndField(string document, string field)
    {
        var error = Assert.Throws<ValidationException>(() => Parse(("templates/t.yaml", "# comment\n---\n" + document)));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("templates/t.yaml:2", violation.Field);
        Assert.StartsWith(field + ":", violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("analytics_db")]
    [InlineData("ml_dataset")]
    [InlineData("MixedCase.Name-1")]
    [InlineData("données-😀")]
    public void Parse_NamesRealCloudsAccept_AreAccepted(string name)
    {
        var resources = Parse(("templates/t.yaml", ChartBuilder.Manifest("GcpBigQueryDataset", name)));

        Assert.Equal(name, Assert.Single(resources).Key.Name);
    }

    [Fact]
    public void Parse_DuplicateKindAndName_PointsAtBothPlaces()
    {
        var error = Assert.Throws<ValidationException>(() => Parse(
            ("templates/a.yaml", ChartBuilder.Manifest("Thing", "x")),
            ("templates/b.yaml", ChartBuilder.Manifest("Other", "x") + "---\n" + ChartBuilder.Manifest("Thing", "x"))));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("templates/b.yaml:6", violation.Field);
        Assert.Contains("templates/a.yaml:1", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RelationshipToMissingResource_IsRejected()
    {
        var error = Assert.Throws<ValidationException>(() => Parse(
            ("templates/a.yaml", ChartBuilder.Manifest("Thing", "a", extraMetadata: "  relationships: [{kind: Thing, name: ghost, type: uses}]\n"))));

        Assert.Contains("Thing/ghost", Assert.Single(error.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralBadDocuments_ReportsEveryOne()
    {
        var error = Assert.Throws<ValidationException>(() => Parse(
            ("templates/a.yaml", "kind: A\n---\nkind: B\n"),
            ("templates/b.yaml", "apiVersion: x/v1\nkind: C\n")));

        Assert.Equal(5, error.Violations.Count);
    }

    [Fact]
    public void Parse_ValidManifest_KeepsEveryMetadataField()
    {
        var resource = Assert.Single(Parse(("t.yaml", """
            apiVersion: aws.project-planton.org/v1
            kind: AwsVpc
            metadata:
              name: prod-vpc
              env: prod
              group: network
              labels: {team: payments, infragrpc.dev/gate: manual}
              annotations: {sim.infragrpc.dev/fail: apply}
              relationships: []
            spec: {cidr: 10.0.0.0/16}
            """)));

        Assert.Equal("prod", resource.Metadata.Env);
        Assert.Equal("network", resource.Metadata.Group);
        Assert.True(resource.RequiresApproval);
        Assert.Equal("apply", resource.Metadata.Annotations["sim.infragrpc.dev/fail"]);
        Assert.Equal(resource.Document, YamlTree.Parse(resource.Yaml), new TreeComparer());
    }

    private static IReadOnlyList<CloudResource> Parse(params (string File, string Text)[] files) =>
        ManifestParser.Parse(files.SelectMany(f => YamlTree.ParseDocuments(f.Text).Select(d => new ManifestSource(f.File, d))));

    private sealed class TreeComparer : IEqualityComparer<object?>
    {
        public new bool Equals(object? x, object? y) => ValueTree.DeepEquals(x, y);

        public int GetHashCode(object? obj) => 0;
    }
}
