using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Rendering;

namespace InfraGrpc.Domain.Tests;

public sealed class PlantonChartCompatibilityTests
{
    private static readonly string Directory = Path.Combine(RepositoryPaths.Fixtures, "charts", "civo-kubernetes-environment");

    [Fact]
    public void Load_PlantonChartWithVersionGivenAtPublish_TakesSlugFromDirectoryAndDisplayNameFromMetadata()
    {
        var chart = Load("0.3.0");

        Assert.Equal(ChartFormat.Planton, chart.Format);
        Assert.Equal("civo-kubernetes-environment", chart.Name);
        Assert.Equal("Civo Kubernetes Environment", chart.DisplayName);
        Assert.Equal("0.3.0", chart.Version);
        Assert.StartsWith("A Civo Kubernetes environment", chart.Description, StringComparison.Ordinal);
        Assert.Equal(10, chart.Parameters.Count);
    }

    [Fact]
    public void Load_PlantonChartWithoutVersion_AsksForOne()
    {
        var error = Assert.Throws<ValidationException>(() => ChartLoader.Load(Files(), "civo-kubernetes-environment", null, ChartLimits.Default));

        Assert.Equal("version", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Render_PlantonChart_ReadsValuesEnvAndWiresAddOnsToTheCluster()
    {
        var result = new ChartRenderer(ChartLimits.Default).Render(Load("0.3.0"), new RenderInput([], ["ingressNginxEnabled=true"], "civo", "acme", "staging"));

        Assert.Equal(6, result.Resources.Count);
        var vpc = result.Resources.Single(r => r.Kind == "CivoVpc");
        Assert.Equal("staging-civo-demo-network", vpc.Spec["networkName"]);
        Assert.Equal(false, result.Resources.Single(r => r.Kind == "CivoKubernetesCluster").Spec["highlyAvailable"]);
        var ingress = result.Graph.Nodes.Single(n => n.Key.Kind == "KubernetesIngressNginx");
        Assert.Equal(["CivoKubernetesCluster/civo-demo"], ingress.Producers.Select(p => p.ToString()));
    }

    private static ChartDefinition Load(string version) => ChartLoader.Load(Files(), "civo-kubernetes-environment", version, ChartLimits.Default);

    private static IReadOnlyList<ChartFile> Files() => ChartArchive.ReadDirectory(Directory, ChartLimits.Default);
}
