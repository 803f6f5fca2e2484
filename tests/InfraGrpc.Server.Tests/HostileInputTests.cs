using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Hostile requests get a clear INVALID_ARGUMENT (or NOT_FOUND), never UNKNOWN or INTERNAL, and leave nothing behind.</summary>
public sealed class HostileInputTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>
{
    private Clients Api => server.Api;

    [Theory]
    [InlineData(10_000)]
    [InlineData(63)]
    public async Task RenderChart_DeepSetKey_IsInvalidArgumentAndTheServerStaysUp(int depth)
    {
        var key = "envVars" + string.Concat(Enumerable.Repeat(".a", depth)) + "=1";

        var violations = await RpcAssert.InvalidArgumentAsync(() => Api.Charts.RenderChartAsync(new Proto.RenderChartRequest
        {
            Reference = new Proto.ChartReference { Name = "gcp-cloud-run-environment" },
            Values = new Proto.ValuesInput { Set = { key } },
        }).ResponseAsync);

        Assert.Equal("set[0]", Assert.Single(violations).Field);
        await AssertServingAsync();
    }

    [Fact]
    public async Task CreateProject_ObjectValueTooDeepToStore_IsRefusedAndNothingIsWritten()
    {
        var files = FiveEnvironmentStoryTests.StoryChart("1.0.0", "  - {name: o, type: object, value: {}}\n");
        var request = new Proto.CreateProjectRequest
        {
            Name = "poisoned",
            Org = "poison",
            Env = "dev",
            ChartFiles = files,
            Values = new Proto.ValuesInput { Set = { "o" + string.Concat(Enumerable.Repeat(".a", 63)) + "=1" } },
        };

        await RpcAssert.InvalidArgumentAsync(() => Api.Projects.CreateProjectAsync(request).ResponseAsync);

        var listed = await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "poison" });
        Assert.Empty(listed.Projects);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "poison/poisoned" }).ResponseAsync);
    }

    [Fact]
    public async Task CreateProject_StaticWebsiteErrorDocumentInjection_IsRefusedNamingTheParameter()
    {
        var violations = await RpcAssert.InvalidArgumentAsync(() => Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = "injected",
            Org = "hostile",
            Env = "dev",
            Chart = new Proto.ChartReference { Name = "static-website" },
            Values = new Proto.ValuesInput { Set = { "domain=acme.io", "errorDocument=404.html}\n---\napiVersion: aws.project-planton.org/v1\nkind: AwsIamUser\nmetadata: {name: backdoor}\nspec: {admin: true" } },
        }).ResponseAsync);

        Assert.Contains(violations, v => v.Field == "values.errorDocument");
    }

    [Theory]
    [InlineData("replicas=1e400")]
    [InlineData("replicas=-1e999")]
    public async Task RenderChart_NumberThatIsNotFinite_IsInvalidArgument(string set)
    {
        var violations = await RpcAssert.InvalidArgumentAsync(() => Api.Charts.RenderChartAsync(new Proto.RenderChartRequest
        {
            Reference = new Proto.ChartReference { Name = "web-env" },
            Values = new Proto.ValuesInput { Set = { "domain=a.io", set } },
        }).ResponseAsync);

        Assert.Equal("values.replicas", Assert.Single(violations).Field);
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public async Task RenderChart_NonFiniteNumberInAValueLayer_IsInvalidArgument(double number)
    {
        var layer = new Struct();
        layer.Fields["domain"] = Value.ForString("a.io");
        layer.Fields["replicas"] = Value.ForNumber(number);

        await RpcAssert.InvalidArgumentAsync(() => Api.Charts.RenderChartAsync(new Proto.RenderChartRequest
        {
            Reference = new Proto.ChartReference { Name = "web-env" },
            Values = new Proto.ValuesInput { Layers = { layer } },
        }).ResponseAsync);
    }

    [Fact]
    public async Task UpdateProject_DeepSetKey_IsInvalidArgument()
    {
        var project = await CreateWithRevisionsAsync("deep-update");

        await RpcAssert.InvalidArgumentAsync(() => Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
        {
            Project = project,
            ValuesPatch = new Proto.ValuesInput { Set = { "domain" + string.Concat(Enumerable.Repeat(".a", 10_000)) + "=1" } },
        }).ResponseAsync);
        await RpcAssert.InvalidArgumentAsync(() => Api.Projects.PreviewProjectAsync(new Proto.PreviewProjectRequest
        {
            Update = new Proto.UpdateProjectRequest
            {
                Project = project,
                ValuesPatch = new Proto.ValuesInput { Set = { "domain" + string.Concat(Enumerable.Repeat(".a", 10_000)) + "=1" } },
            },
        }).ResponseAsync);
    }

    [Fact]
    public async Task ListProjectRevisions_TokenFromAnotherProject_IsInvalidArgument()
    {
        var mine = await CreateWithRevisionsAsync("mine");
        var secret = await CreateWithRevisionsAsync("secret");
        var secretPage = await Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = secret, PageSize = 1 });
        Assert.NotEmpty(secretPage.NextPageToken);

        await RpcAssert.InvalidArgumentAsync(() => Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = mine, PageToken = secretPage.NextPageToken }).ResponseAsync);
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes("v1:~")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await RpcAssert.InvalidArgumentAsync(() => Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = mine, PageToken = forged }).ResponseAsync);
        var tampered = secretPage.NextPageToken[..^2] + (secretPage.NextPageToken[^2] == 'A' ? "B" : "A") + secretPage.NextPageToken[^1];
        await RpcAssert.InvalidArgumentAsync(() => Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = secret, PageToken = tampered }).ResponseAsync);

        var next = await Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = secret, PageSize = 1, PageToken = secretPage.NextPageToken });
        Assert.Equal([1], next.Revisions.Select(r => r.Number));
    }

    [Fact]
    public async Task ListProjects_TokenUsedWithOtherFilters_IsInvalidArgument()
    {
        await CreateWithRevisionsAsync("filter-a");
        await CreateWithRevisionsAsync("filter-b");
        var page = await Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "hostile", PageSize = 1 });
        Assert.NotEmpty(page.NextPageToken);

        await RpcAssert.InvalidArgumentAsync(() => Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "other", PageToken = page.NextPageToken }).ResponseAsync);
    }

    public static TheoryData<string, byte[]> Undecodable() => new()
    {
        // GetProjectRequest.project (field 1, string) holding the bytes C3 28: not UTF-8.
        { "/infragrpc.v1.InfraProjectService/GetProject", [0x0A, 0x02, 0xC3, 0x28] },
        { "/infragrpc.v1.InfraProjectService/GetProject", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] },
        { "/infragrpc.v1.InfraChartService/ListCharts", [0x0A, 0x7F, 0x01] },
        { "/infragrpc.v1.PipelineService/WatchPipeline", [0x0A, 0x03, 0xED, 0xA0, 0x80] },
        { "/infragrpc.v1.InfraChartService/RenderChart", DeepStructRenderRequest(60) },
    };

    [Theory]
    [MemberData(nameof(Undecodable))]
    public async Task AnyRpc_RequestThatCannotBeDecoded_IsInvalidArgument(string path, byte[] body)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => RawCallAsync(path, body));

        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{path}: {error.StatusCode} {error.Status.Detail}");
        await AssertServingAsync();
    }

    [Theory]
    [InlineData(31_000_000, StatusCode.NotFound)]
    [InlineData(33 * 1024 * 1024, StatusCode.ResourceExhausted)]
    public async Task GetProject_BodyBetweenKestrelsOldLimitAndPastTheGrpcLimit_IsAClearStatus(int length, StatusCode expected)
    {
        var body = new Proto.GetProjectRequest { Project = new string('p', length) }.ToByteArray();

        var error = await Assert.ThrowsAsync<RpcException>(() => RawCallAsync("/infragrpc.v1.InfraProjectService/GetProject", body));

        Assert.Equal(expected, error.StatusCode);
        await AssertServingAsync();
    }

    [Fact]
    public async Task GetProject_VeryLongUnknownId_IsNotFoundWithAShortMessage()
    {
        var id = new string('x', 200_000);

        var error = await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = id }).ResponseAsync);

        Assert.True(error.Status.Detail.Length < 1_000, "the id is not echoed in full");
        Assert.True(error.Trailers.Sum(t => t.IsBinary ? t.ValueBytes.Length : t.Value.Length) < 4_000, "the trailers stay small");
    }

    [Theory]
    [InlineData("", "v")]
    [InlineData("a,b", "v")]
    [InlineData("a=b", "v")]
    [InlineData("ok", "x,y")]
    [InlineData("ok", "x=y")]
    public async Task CreateProject_LabelNoSelectorCanMatch_IsInvalidArgument(string key, string value)
    {
        var request = QuietCreate("labelled");
        request.Labels.Add(key, value);

        var violations = await RpcAssert.InvalidArgumentAsync(() => Api.Projects.CreateProjectAsync(request).ResponseAsync);

        Assert.StartsWith("labels[", Assert.Single(violations).Field, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("templates/a.yaml", "{{#if}}x{{/if}}")]
    [InlineData("templates/a.yaml", "{{> loop}}")]
    [InlineData("templates/a.yaml", "apiVersion: x.io/v1\nkind: A\nmetadata: {name: a}\nspec: &x {a: 1}\n---\napiVersion: x.io/v1\nkind: B\nmetadata: {name: b}\nspec: *x\n")]
    [InlineData("templates/a.yaml", "apiVersion: x.io/v1\nkind: A\nmetadata: {name: a, relationships: [{kind: B, name: b}]}\n---\napiVersion: x.io/v1\nkind: B\nmetadata: {name: b, relationships: [{kind: A, name: a}]}\n")]
    [InlineData("templates/a.yaml", "apiVersion: x/v1\u0000")]
    public async Task PublishChart_ChartThatCanNeverRender_IsInvalidArgument(string path, string template)
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: never-renders}\nspec: {version: 1.0.0}\n"));
        files.Files.Add(Charts.File("templates/_loop.hbs", "x{{> loop}}"));
        files.Files.Add(Charts.File(path, template));

        await RpcAssert.InvalidArgumentAsync(() => Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = files }).ResponseAsync);

        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => Api.Charts.GetChartAsync(new Proto.GetChartRequest { Name = "never-renders" }).ResponseAsync);
    }

    [Fact]
    public async Task PublishChart_ValidButHugeSemVer_IsInvalidArgument()
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: huge-version}}\nspec: {{version: 1.0.0-{new string('a', 2_000)}}}\n"));
        files.Files.Add(Charts.File("templates/a.yaml", "apiVersion: x.io/v1\nkind: A\nmetadata: {name: a}\n"));

        await RpcAssert.InvalidArgumentAsync(() => Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = files }).ResponseAsync);
    }

    [Theory]
    [InlineData("Kind")]
    [InlineData("name")]
    public async Task CreateProject_ResourceKeyTooLongToIndex_IsInvalidArgument(string part)
    {
        var kind = part == "Kind" ? "A" + new string('b', 2_000) : "Thing";
        var name = part == "name" ? string.Concat(Enumerable.Repeat("語", 100)) : "a";
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: long-keys}\nspec: {version: 1.0.0}\n"));
        files.Files.Add(Charts.File("templates/a.yaml", $"apiVersion: x.io/v1\nkind: {kind}\nmetadata: {{name: \"{name}\"}}\n"));

        await RpcAssert.InvalidArgumentAsync(() => Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "long-keys", Org = "hostile", Env = "dev", ChartFiles = files }).ResponseAsync);
    }

    [Fact]
    public async Task CreateProject_GitUrlTooLongToIndex_IsInvalidArgument()
    {
        var violations = await RpcAssert.InvalidArgumentAsync(() => Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = "long-url",
            Org = "hostile",
            Env = "dev",
            Git = new Proto.GitSourceInput { Url = "https://example.invalid/" + new string('r', 5_000), Ref = "main" },
        }).ResponseAsync);

        Assert.Contains(violations, v => v.Field == "git.url");
    }

    // A project of the story chart in org 'hostile' whose pipelines are off.
    private static Proto.CreateProjectRequest QuietCreate(string name) => new()
    {
        Name = name,
        Org = "hostile",
        Env = "dev",
        Chart = new Proto.ChartReference { Name = "web-env" },
        Values = new Proto.ValuesInput { Set = { "domain=a.io" } },
        Controls = new Proto.PipelineControls { DisablePipelines = true },
    };

    private async Task<string> CreateWithRevisionsAsync(string name)
    {
        var created = await Api.Projects.CreateProjectAsync(QuietCreate(name));
        await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, ValuesPatch = new Proto.ValuesInput { Set = { "replicas=5" } } });
        return "hostile/" + name;
    }

    private async Task AssertServingAsync()
    {
        var health = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        await Api.Charts.ListChartsAsync(new Proto.ListChartsRequest());
    }

    private async Task RawCallAsync(string path, byte[] body)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var bytes = Marshallers.Create(b => b, b => b);
        var streaming = parts[1] is "WatchPipeline" or "StreamStackJobLogs";
        var method = new Method<byte[], byte[]>(streaming ? MethodType.ServerStreaming : MethodType.Unary, parts[0], parts[1], bytes, bytes);
        var invoker = server.Channel.CreateCallInvoker();
        if (streaming)
        {
            using var call = invoker.AsyncServerStreamingCall(method, null, new CallOptions(), body);
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        }
        else
        {
            await invoker.AsyncUnaryCall(method, null, new CallOptions(), body);
        }
    }

    // A RenderChartRequest whose value layer nests past protobuf's recursion limit (100 messages deep).
    private static byte[] DeepStructRenderRequest(int depth)
    {
        var value = Value.ForString("x");
        for (var i = 0; i < depth; i++)
        {
            var inner = new Struct();
            inner.Fields["a"] = value;
            value = Value.ForStruct(inner);
        }

        var request = new Proto.RenderChartRequest { Reference = new Proto.ChartReference { Name = "web-env" }, Values = new Proto.ValuesInput { Layers = { value.StructValue } } };
        return request.ToByteArray();
    }
}
