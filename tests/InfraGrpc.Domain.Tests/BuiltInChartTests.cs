using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Graph;
using InfraGrpc.Domain.Rendering;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Tests;

public sealed class BuiltInChartTests
{
    public static TheoryData<string> ChartNames => new(Directory.GetDirectories(RepositoryPaths.Charts).Select(Path.GetFileName).Order()!);

    [Fact]
    public void Catalog_HasAtLeastFiveCharts_EachWithReadme()
    {
        var charts = Directory.GetDirectories(RepositoryPaths.Charts);
        Assert.True(charts.Length >= 5, $"only {charts.Length} built-in charts");
        Assert.All(charts, chart => Assert.True(File.Exists(Path.Combine(chart, "README.md")), chart + " has no README.md"));
    }

    [Theory]
    [MemberData(nameof(ChartNames))]
    public void Render_WithDefaults_ProducesResourcesAndAnAcyclicGraph(string chartName)
    {
        var chart = Load(chartName);

        var result = Render(chart);

        Assert.NotEmpty(result.Resources);
        Assert.Equal(result.Resources.Count, result.Graph.TopologicalOrder.Count);
        Assert.Empty(result.Graph.ExternalReferences);
        var every = result.Resources.SelectMany(r => r.References).ToList();
        Assert.Equal(every.Count, result.Graph.Edges.Count(e => e.Kind == EdgeKind.Reference));
    }

    [Fact]
    public void Render_AwsEcsDefaults_WiresTheServiceToEveryProducer()
    {
        var result = Render(Load("aws-ecs-environment"));

        var service = result.Graph[new ResourceKey("AwsEcsService", "web")];
        var producers = service.Producers.Select(p => p.Kind).ToHashSet();
        Assert.Equal(["AwsAlb", "AwsEcrRepo", "AwsEcsCluster", "AwsIamRole", "AwsSecurityGroup", "AwsVpc"], producers.Order());
        Assert.Contains(result.Resources, r => r.Kind == "AwsCertManagerCert");
        Assert.Contains(new ResourceKey("AwsVpc", "dev-vpc"), result.Graph.Layers[0]);
        Assert.Equal([new ResourceKey("AwsEcsService", "web")], result.Graph.Layers[^1]);
    }

    [Fact]
    public void Render_AwsEcsWithoutHttps_DropsTheCertificateAndItsEdge()
    {
        var result = Render(Load("aws-ecs-environment"), "httpsEnabled=false");

        Assert.DoesNotContain(result.Resources, r => r.Kind == "AwsCertManagerCert");
        var alb = result.Graph[new ResourceKey("AwsAlb", "dev-alb")];
        Assert.DoesNotContain(alb.Producers, p => p.Kind == "AwsCertManagerCert");
    }

    [Fact]
    public void Render_AwsEks_AddOnsRunOnTheClusterAndWaitForNodes()
    {
        var result = Render(Load("aws-eks-environment"));

        var addOns = result.Resources.Where(r => r.Metadata.Group == "addons").ToList();
        Assert.Equal(3, addOns.Count);
        Assert.All(addOns, addOn =>
        {
            Assert.Contains(addOn.Metadata.Relationships, r => r.Type == RelationshipType.RunsOn && r.Target == new ResourceKey("AwsEksCluster", "platform"));
            Assert.Contains(new ResourceKey("AwsEksNodeGroup", "platform-default"), result.Graph[addOn.Key].Producers);
        });
        Assert.Equal(addOns.Select(a => a.Key.ToString()).Order(), result.Graph.Layers[^1].Select(k => k.ToString()).Order());
    }

    [Fact]
    public void Render_GcpCloudRunTogglesOff_LeavesOnlyTheService()
    {
        var result = Render(Load("gcp-cloud-run-environment"), "enableArtifactRegistry=false", "enableVpcConnector=false", "enableCloudSql=false");

        var only = Assert.Single(result.Resources);
        Assert.Equal("GcpCloudRun", only.Kind);
        Assert.Equal("us-docker.pkg.dev/cloudrun/container/hello", ((Dictionary<string, object?>)only.Spec["container"]!)["image"]);
    }

    [Fact]
    public void Render_StaticWebsiteWithTwoAliases_CreatesARecordPerHost()
    {
        var result = Render(Load("static-website"), "domain=acme.io", "aliases={www,blog}");

        Assert.Equal(3, result.Resources.Count(r => r.Kind == "AwsRoute53DnsRecord"));
        Assert.Contains(result.Resources, r => r.Key == new ResourceKey("AwsRoute53DnsRecord", "blog-acme-io"));
    }

    [Fact]
    public void Render_Microservice_DeploymentReadsDatabaseAndCacheOutputs()
    {
        var result = Render(Load("kubernetes-microservice"));

        var deployment = result.Resources.Single(r => r.Kind == "KubernetesDeployment");
        Assert.Contains(deployment.References, r => r.Target.Kind == "KubernetesPostgres" && r.FieldPath.ToString() == "status.outputs.host");
        Assert.Contains(deployment.References, r => r.Target.Kind == "KubernetesRedis");
    }

    internal static ChartDefinition Load(string name) =>
        ChartLoader.Load(ChartArchive.ReadDirectory(Path.Combine(RepositoryPaths.Charts, name), ChartLimits.Default), name, null, ChartLimits.Default);

    private static RenderResult Render(ChartDefinition chart, params string[] sets) =>
        new ChartRenderer(ChartLimits.Default).Render(chart, new RenderInput([], sets, "demo", "acme", "dev"));
}
