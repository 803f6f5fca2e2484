using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class ChartCatalogTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly Proto.InfraChartService.InfraChartServiceClient _charts = new(server.Channel);

    [Fact]
    public async Task Startup_LoadsTheBuiltInCatalog()
    {
        var page = await _charts.ListChartsAsync(new Proto.ListChartsRequest { PageSize = 100 });

        var builtIn = page.Charts.Where(c => c.BuiltIn).Select(c => c.Name).ToList();
        Assert.Contains("aws-ecs-environment", builtIn);
        Assert.Contains("gcp-cloud-run-environment", builtIn);
        Assert.Contains("aws-eks-environment", builtIn);
        Assert.Contains("kubernetes-microservice", builtIn);
        Assert.Contains("static-website", builtIn);
    }

    [Fact]
    public async Task PublishChart_SameContentTwice_IsANoOp()
    {
        var first = await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Charts.Files("idempotent", "1.0.0") });
        var second = await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Charts.Files("idempotent", "1.0.0") });

        Assert.False(first.AlreadyPublished);
        Assert.True(second.AlreadyPublished);
        Assert.Equal(first.Chart.Digest, second.Chart.Digest);
        Assert.StartsWith("sha256:", first.Chart.Digest, StringComparison.Ordinal);
        Assert.Equal(first.Chart.PublishTime, second.Chart.PublishTime);
    }

    [Fact]
    public async Task PublishChart_SameVersionOtherContent_IsAlreadyExistsWithBothDigests()
    {
        var original = await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Charts.Files("immutable", "1.0.0") });

        var error = await RpcAssert.ThrowsAsync(StatusCode.AlreadyExists, async () =>
            await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Charts.Files("immutable", "1.0.0", displayName: "Changed") }));

        var info = RpcAssert.Info(error);
        Assert.Equal("CHART_VERSION_EXISTS", info.Reason);
        Assert.Equal(original.Chart.Digest, info.Metadata["published_digest"]);
        var stored = await _charts.GetChartAsync(new Proto.GetChartRequest { Name = "immutable", Version = "1.0.0" });
        Assert.Equal("Test Chart", stored.Chart.DisplayName);
    }

    [Fact]
    public async Task PublishChart_InvalidChart_ListsEveryProblem()
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: Bad_Name}\nspec: {version: one}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n  - {name: x, type: nope}\n"));

        var violations = await RpcAssert.InvalidArgumentAsync(async () => await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = files }));

        Assert.Equal(
            ["Chart.yaml.metadata.name", "Chart.yaml.spec.version", "templates", "values.yaml.params.x.type"],
            violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PublishChart_FromArchive_TakesTheNameFromTheTopFolder()
    {
        var archive = TarGz.Create(Charts.Files("from-archive", "0.1.0"), "from-archive");

        var published = await _charts.PublishChartAsync(new Proto.PublishChartRequest { Archive = ByteString.CopyFrom(archive) });

        Assert.Equal("from-archive", published.Chart.Name);
        Assert.Equal("0.1.0", published.Chart.Version);
    }

    [Fact]
    public async Task PublishChart_PlantonFormat_NeedsAndTakesTheVersionFromTheRequest()
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infra-hub.planton.ai/v1\nkind: InfraChart\nmetadata: {name: Planton Thing}\nspec: {description: from planton}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n  - {name: region, value: fra1}\n"));
        files.Files.Add(Charts.File("templates/a.yaml", "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: \"{{ values.env }}-{{ values.region }}\"}\n"));

        var violations = await RpcAssert.InvalidArgumentAsync(async () => await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = files, Name = "planton-thing" }));
        var published = await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = files, Name = "planton-thing", Version = "3.1.4" });
        var rendered = await _charts.RenderChartAsync(new Proto.RenderChartRequest { Reference = new Proto.ChartReference { Name = "planton-thing" }, Env = "prod" });

        Assert.Equal("version", Assert.Single(violations).Field);
        Assert.Equal(Proto.ChartFormat.Planton, published.Chart.Format);
        Assert.Equal("Planton Thing", published.Chart.DisplayName);
        Assert.Equal("prod-fra1", rendered.Resources.Single().Metadata.Name);
    }

    [Fact]
    public async Task GetChart_WithoutVersion_ReturnsTheHighestReleaseNotAPreRelease()
    {
        foreach (var version in new[] { "1.2.0", "1.10.0", "1.9.3", "2.0.0-rc.1" })
        {
            await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Charts.Files("semver-order", version) });
        }

        var latest = await _charts.GetChartAsync(new Proto.GetChartRequest { Name = "semver-order" });
        var versions = await _charts.ListChartVersionsAsync(new Proto.ListChartVersionsRequest { Name = "semver-order" });

        Assert.Equal("1.10.0", latest.Chart.Version);
        Assert.Equal(["2.0.0-rc.1", "1.10.0", "1.9.3", "1.2.0"], versions.Versions.Select(v => v.Version));
        Assert.Contains(latest.Chart.Parameters, p => p.Name == "size" && p.Type == Proto.ParameterType.StringEnum);
    }

    [Fact]
    public async Task GetChart_Unknown_IsNotFound_AndABadNameIsInvalid()
    {
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await _charts.GetChartAsync(new Proto.GetChartRequest { Name = "no-such-chart" }));
        var violations = await RpcAssert.InvalidArgumentAsync(async () => await _charts.GetChartAsync(new Proto.GetChartRequest { Name = "Not A Slug", Version = "x" }));

        Assert.Equal(["name", "version"], violations.Select(v => v.Field));
    }

    [Fact]
    public async Task ListCharts_PagesVisitEveryMatchExactlyOnce()
    {
        for (var i = 0; i < 7; i++)
        {
            await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Charts.Files($"paged-{i}", "1.0.0", displayName: $"Paged {i}") });
        }

        var seen = new List<string>();
        var token = string.Empty;
        var pages = 0;
        do
        {
            var page = await _charts.ListChartsAsync(new Proto.ListChartsRequest { Filter = "paged", PageSize = 3, PageToken = token });
            seen.AddRange(page.Charts.Select(c => c.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"paged-{i}"), seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListCharts_BadPageToken_IsInvalidArgument()
    {
        var violations = await RpcAssert.InvalidArgumentAsync(async () => await _charts.ListChartsAsync(new Proto.ListChartsRequest { PageToken = "garbage!" }));

        Assert.Equal("page_token", Assert.Single(violations).Field);
    }

    [Fact]
    public async Task DeleteChartVersion_RemovesItAndTheNextHighestBecomesLatest()
    {
        await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Charts.Files("deletable", "1.0.0") });
        await _charts.PublishChartAsync(new Proto.PublishChartRequest { Files = Charts.Files("deletable", "1.1.0") });

        await _charts.DeleteChartVersionAsync(new Proto.DeleteChartVersionRequest { Name = "deletable", Version = "1.1.0" });

        Assert.Equal("1.0.0", (await _charts.GetChartAsync(new Proto.GetChartRequest { Name = "deletable" })).Chart.Version);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () =>
            await _charts.DeleteChartVersionAsync(new Proto.DeleteChartVersionRequest { Name = "deletable", Version = "1.1.0" }));
        var violations = await RpcAssert.InvalidArgumentAsync(async () =>
            await _charts.DeleteChartVersionAsync(new Proto.DeleteChartVersionRequest { Name = "deletable" }));
        Assert.Equal("version", Assert.Single(violations).Field);
    }

    [Fact]
    public async Task RenderChart_BuiltInWithSetAndLayers_ReturnsManifestsGraphAndResolvedValues()
    {
        var layer = new Struct { Fields = { ["domain"] = Value.ForString("acme.io"), ["desiredCount"] = Value.ForNumber(4) } };
        var request = new Proto.RenderChartRequest
        {
            Reference = new Proto.ChartReference { Name = "aws-ecs-environment" },
            Values = new Proto.ValuesInput { Layers = { layer }, Set = { "httpsEnabled=false" } },
            Env = "staging",
        };

        var response = await _charts.RenderChartAsync(request);

        Assert.Equal("aws-ecs-environment", response.ChartName);
        Assert.DoesNotContain(response.Resources, r => r.Kind == "AwsCertManagerCert");
        Assert.Equal(4, response.ResolvedValues.Fields["desiredCount"].NumberValue);
        Assert.Equal("staging-vpc", response.Graph.Nodes.First(n => n.Resource.Kind == "AwsVpc").Resource.Name);
        var service = response.Graph.Nodes.Single(n => n.Key == "AwsEcsService/web");
        Assert.Contains("AwsEcsCluster/staging-cluster", service.Producers);
        Assert.Contains(response.Resources, r => r.Yaml.Contains("acme.io", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RenderChart_BadValues_ReportsEachAsAFieldViolation()
    {
        var violations = await RpcAssert.InvalidArgumentAsync(async () => await _charts.RenderChartAsync(new Proto.RenderChartRequest
        {
            Reference = new Proto.ChartReference { Name = "aws-ecs-environment" },
            Values = new Proto.ValuesInput { Set = { "size=gigantic", "containerPort=http", "bogus=1" } },
        }));

        Assert.Equal(["values.bogus", "values.containerPort", "values.size"], violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RenderChart_PartialRecursingForever_IsInvalidArgumentAndTheServerStaysUp()
    {
        var files = Charts.Files("recursive", "1.0.0", template: "{{> forever}}");
        files.Files.Add(Charts.File("templates/_forever.hbs", "again {{> forever}}"));

        var violations = await RpcAssert.InvalidArgumentAsync(async () => await _charts.RenderChartAsync(new Proto.RenderChartRequest { Files = files }));
        var health = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal("templates/thing.yaml", Assert.Single(violations).Field);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task RenderChart_Cycle_IsInvalidArgumentSpellingTheCycle()
    {
        var template = """
            apiVersion: x.io/v1
            kind: A
            metadata: {name: a}
            spec: {b: {valueFrom: {kind: B, name: b, fieldPath: status.outputs.id}}}
            ---
            apiVersion: x.io/v1
            kind: B
            metadata: {name: b}
            spec: {a: {valueFrom: {kind: A, name: a, fieldPath: status.outputs.id}}}
            """;

        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, async () =>
            await _charts.RenderChartAsync(new Proto.RenderChartRequest { Files = Charts.Files("cyclic", "1.0.0", template: template) }));

        Assert.Equal("DEPENDENCY_CYCLE", RpcAssert.Info(error).Reason);
        Assert.Contains("A/a → B/b → A/a", error.Status.Detail, StringComparison.Ordinal);
    }
}
