using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>A secured server: a bootstrap admin token from a file, org acme with a deployed project held by require_approval, org other.</summary>
public sealed class SecuredServerFixture : IAsyncLifetime
{
    private readonly string _secrets = Directory.CreateTempSubdirectory("infragrpc-secrets-").FullName;

    public ServerHost Host { get; private set; } = null!;

    public string Bootstrap { get; } = "bootstrap-" + Guid.NewGuid().ToString("N");

    public Dictionary<string, string?> Tokens { get; } = [];

    public string PipelineId { get; private set; } = string.Empty;

    public string ProjectId { get; private set; } = string.Empty;

    public Clients Api => new(Host.Channel);

    public async Task InitializeAsync()
    {
        var file = Path.Combine(_secrets, "bootstrap-token");
        await File.WriteAllTextAsync(file, Bootstrap + "\n");
        var jwks = Path.Combine(_secrets, "jwks.json");
        await File.WriteAllTextAsync(jwks, Jwts.KeySet(_signing, "k1"));
        Host = await ServerHost.StartAsync(
            null, "--InfraGrpc:Simulated:Latency=00:00:00", $"--InfraGrpc:Auth:BootstrapTokenFile={file}", "--InfraGrpc:Auth:DenialAuditPerMinute=100000",
            $"--InfraGrpc:Auth:Jwt:Issuer={Jwts.Issuer}", $"--InfraGrpc:Auth:Jwt:Audience={Jwts.Audience}", $"--InfraGrpc:Auth:Jwt:JwksFile={jwks}");
        var admin = Clients.As(Bootstrap);
        await Api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = LifecycleChart.Files() }, admin);
        var created = await Api.Projects.CreateProjectAsync(LifecycleChart.CreateIn("acme", "matrix", "dev", "a", "b>a"), admin);
        await Api.Projects.CreateProjectAsync(LifecycleChart.CreateIn("other", "elsewhere", "dev", "a"), admin);
        (ProjectId, PipelineId) = (created.Project.Id, created.Pipeline.Id);
        using (var watch = Api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = PipelineId }, admin))
        {
            await watch.ResponseStream.ReadAllAsync().AnyAsync(e => e.Terminal);
        }

        // Changes from now on wait at a gate: the matrix starts pipelines but destroys nothing.
        await Api.Projects.UpdateProjectAsync(ReconciliationTests.Mask(ProjectId, "controls.require_approval", new Proto.PipelineControls { RequireApproval = true }), admin);
        foreach (var (name, org, role) in new[] { ("vera", "acme", Proto.Role.Viewer), ("otto", "acme", Proto.Role.Operator), ("ada", "acme", Proto.Role.Admin), ("olga", "other", Proto.Role.Admin), ("rex", "acme", Proto.Role.Admin) })
        {
            var token = await Api.Access.CreateTokenAsync(new Proto.CreateTokenRequest { Name = name + "-token", Owner = name }, admin);
            await Api.Access.BindRoleAsync(new Proto.BindRoleRequest { Org = org, SubjectKind = Proto.SubjectKind.User, Subject = name, Role = role }, admin);
            Tokens[name] = token.Secret;
            if (name == "rex")
            {
                await Api.Access.RevokeTokenAsync(new Proto.RevokeTokenRequest { TokenId = token.Token.Id }, admin);
            }
        }

        Tokens["anonymous"] = null;

        // JWTs: one for a member of a group bound as operator in acme, and three that must be refused.
        await Api.Access.BindRoleAsync(new Proto.BindRoleRequest { Org = "acme", SubjectKind = Proto.SubjectKind.Group, Subject = "acme-ops", Role = Proto.Role.Operator }, admin);
        using var stranger = RSA.Create(2048);
        var now = DateTime.UtcNow;
        Tokens["jwt-ops"] = Jwts.Make(_signing, "k1", Jwts.Audience, "jane", ["acme-ops"], now.AddMinutes(-1), now.AddHours(1));
        Tokens["jwt-expired"] = Jwts.Make(_signing, "k1", Jwts.Audience, "jane", ["acme-ops"], now.AddHours(-2), now.AddHours(-1));
        Tokens["jwt-wrong-key"] = Jwts.Make(stranger, "k1", Jwts.Audience, "jane", ["acme-ops"], now.AddMinutes(-1), now.AddHours(1));
        Tokens["jwt-wrong-audience"] = Jwts.Make(_signing, "k1", "someone-else", "jane", ["acme-ops"], now.AddMinutes(-1), now.AddHours(1));
    }

    private readonly RSA _signing = RSA.Create(2048);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(Host.DataDirectory, recursive: true);
        Directory.Delete(_secrets, recursive: true);
        _signing.Dispose();
    }
}

/// <summary>JWTs and a JWKS made by the tests, as an OIDC identity provider would.</summary>
public static class Jwts
{
    public const string Issuer = "https://idp.example.test";
    public const string Audience = "infragrpc";

    public static string Make(RSA key, string keyId, string audience, string subject, string[] groups, DateTime notBefore, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            NotBefore = notBefore,
            IssuedAt = notBefore,
            Expires = expires,
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["groups"] = groups },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });

    public static string KeySet(RSA key, string keyId)
    {
        var parameters = key.ExportParameters(false);
        return $$"""{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"{{keyId}}","n":"{{Base64UrlEncoder.Encode(parameters.Modulus)}}","e":"{{Base64UrlEncoder.Encode(parameters.Exponent)}}"}]}""";
    }
}

/// <summary>
/// Issue 13: every RPC of the contract × every kind of caller, against a live server. The RPCs come from
/// the service descriptors, so a new RPC without a row here fails the test.
/// </summary>
public sealed class AccessMatrixTests(SecuredServerFixture server, ITestOutputHelper output) : IClassFixture<SecuredServerFixture>
{
    private enum Need
    {
        Viewer,
        Operator,
        Admin,
        AnyViewer,
        AnyAdmin,
        InstanceAdmin,
        Authenticated,
        AcmeAdmin,

        /// <summary>Operator in the org the request creates in; creating reveals no project, so no role there is PERMISSION_DENIED.</summary>
        CreateIn,
    }

    private enum Outcome
    {
        Allowed,
        Unauthenticated,
        Hidden,
        Denied,
    }

    /// <summary>What each RPC needs, written from issue 13's role model (not from the server's table).</summary>
    private static readonly Dictionary<string, Need> Needs = new(StringComparer.Ordinal)
    {
        ["InfraChartService.PublishChart"] = Need.AnyAdmin,
        ["InfraChartService.GetChart"] = Need.AnyViewer,
        ["InfraChartService.ListCharts"] = Need.AnyViewer,
        ["InfraChartService.ListChartVersions"] = Need.AnyViewer,
        ["InfraChartService.DeleteChartVersion"] = Need.AnyAdmin,
        ["InfraChartService.RenderChart"] = Need.AnyViewer,
        ["InfraProjectService.CreateProject"] = Need.CreateIn,
        ["InfraProjectService.GetProject"] = Need.Viewer,
        ["InfraProjectService.ListProjects"] = Need.Authenticated,
        ["InfraProjectService.UpdateProject"] = Need.Operator,
        ["InfraProjectService.PreviewProject"] = Need.Viewer,
        ["InfraProjectService.UpgradeProjectChart"] = Need.Operator,
        ["InfraProjectService.ListProjectRevisions"] = Need.Viewer,
        ["InfraProjectService.GetProjectRevision"] = Need.Viewer,
        ["InfraProjectService.DiffProjectRevisions"] = Need.Viewer,
        ["InfraProjectService.RollbackProject"] = Need.Operator,
        ["InfraProjectService.ListProjectResources"] = Need.Viewer,
        ["InfraProjectService.UndeployProject"] = Need.Operator,
        ["InfraProjectService.DeleteProject"] = Need.Admin,
        ["InfraProjectService.PurgeProject"] = Need.Admin,
        ["InfraProjectService.ForceDeleteProject"] = Need.InstanceAdmin,
        ["PipelineService.RunPipeline"] = Need.Operator,
        ["PipelineService.GetPipeline"] = Need.Viewer,
        ["PipelineService.ListPipelines"] = Need.Authenticated,
        ["PipelineService.GetLastPipeline"] = Need.Viewer,
        ["PipelineService.WatchPipeline"] = Need.Viewer,
        ["PipelineService.StreamStackJobLogs"] = Need.Viewer,
        ["PipelineService.CancelPipeline"] = Need.Operator,
        ["PipelineService.ResolveManualGate"] = Need.Operator,
        ["AccessService.WhoAmI"] = Need.Authenticated,
        ["AccessService.CreateToken"] = Need.Authenticated,
        ["AccessService.ListTokens"] = Need.Authenticated,
        ["AccessService.RevokeToken"] = Need.Authenticated,
        ["AccessService.BindRole"] = Need.AcmeAdmin,
        ["AccessService.UnbindRole"] = Need.Authenticated,
        ["AccessService.ListRoleBindings"] = Need.Authenticated,
        ["AccessService.ListAuditEvents"] = Need.AnyAdmin,
    };

    /// <summary>The role each caller holds in acme, and whether it holds one anywhere.</summary>
    private static readonly Dictionary<string, (int InAcme, int Anywhere, bool Valid)> Callers = new()
    {
        ["anonymous"] = (0, 0, false),
        ["rex"] = (3, 3, false),
        ["vera"] = (1, 1, true),
        ["otto"] = (2, 2, true),
        ["ada"] = (3, 3, true),
        ["olga"] = (0, 3, true),
        ["jwt-ops"] = (2, 2, true),
        ["jwt-expired"] = (2, 2, false),
        ["jwt-wrong-key"] = (2, 2, false),
        ["jwt-wrong-audience"] = (2, 2, false),
    };

    private static IEnumerable<MethodDescriptor> Contract =>
        new[] { Proto.ChartReflection.Descriptor, Proto.ProjectReflection.Descriptor, Proto.PipelineReflection.Descriptor, Proto.AccessReflection.Descriptor }
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods);

    [Fact]
    public async Task EveryRpc_ForEveryCaller_AnswersAsTheRoleModelSays()
    {
        var methods = Contract.ToList();
        var missing = methods.Select(Key).Where(k => !Needs.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "RPCs without a row in the access matrix: " + string.Join(", ", missing));

        var (tried, allowed, denied) = (0, 0, 0);
        var unexpected = new List<string>();
        foreach (var method in methods)
        {
            foreach (var (caller, holds) in Callers)
            {
                var expected = Expect(Needs[Key(method)], holds);
                var code = await CallAsync(method, Request(method), server.Tokens[caller]);
                var outcome = code switch
                {
                    StatusCode.Unauthenticated => Outcome.Unauthenticated,
                    StatusCode.PermissionDenied => Outcome.Denied,
                    StatusCode.NotFound when expected == Outcome.Hidden => Outcome.Hidden,
                    _ => Outcome.Allowed,
                };
                tried++;
                (allowed, denied) = outcome == Outcome.Allowed ? (allowed + 1, denied) : (allowed, denied + 1);
                if (outcome != expected)
                {
                    unexpected.Add($"{Key(method)} as {caller}: {code}, expected {expected}");
                }
            }
        }

        output.WriteLine($"access matrix: {tried} calls tried, {allowed} allowed, {denied} denied, {unexpected.Count} unexpected");
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }

    [Fact]
    public async Task ACallerWithNoRoleInAnOrg_NeverSeesItsProjects()
    {
        var olga = Clients.As(server.Tokens["olga"]!);
        var listed = await server.Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest(), olga);
        var filtered = await server.Api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "acme" }, olga);
        var pipelines = await server.Api.Pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest(), olga);
        var byId = await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await server.Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = server.ProjectId }, olga));
        var missing = await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await server.Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "0190f0f0f0f0f0f0f0f0f0f0f0f0f0f0" }, olga));

        Assert.Equal(["other/elsewhere"], listed.Projects.Select(p => $"{p.Org}/{p.Name}"));
        Assert.Empty(filtered.Projects);
        Assert.All(pipelines.Pipelines, p => Assert.StartsWith("other/", p.ProjectName, StringComparison.Ordinal));
        Assert.Equal(byId.Status.Detail.Replace(server.ProjectId, "ID", StringComparison.Ordinal), missing.Status.Detail.Replace("0190f0f0f0f0f0f0f0f0f0f0f0f0f0f0", "ID", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARevokedToken_StopsWorkingAtOnce_AndTheActorIsTheAuthenticatedIdentity()
    {
        var admin = Clients.As(server.Bootstrap);
        var created = await server.Api.Access.CreateTokenAsync(new Proto.CreateTokenRequest { Name = "short-lived", Owner = "otto" }, admin);
        var otto = Clients.As(created.Secret);
        var before = await server.Api.Access.WhoAmIAsync(new Proto.WhoAmIRequest(), otto);
        var run = await server.Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = server.ProjectId }, otto);

        await server.Api.Access.RevokeTokenAsync(new Proto.RevokeTokenRequest { TokenId = created.Token.Id }, admin);
        var after = await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await server.Api.Access.WhoAmIAsync(new Proto.WhoAmIRequest(), otto));

        Assert.Equal("otto", before.Name);
        Assert.Equal("token", before.Method);
        Assert.Contains(before.Roles, r => r.Org == "acme" && r.Role == Proto.Role.Operator);
        Assert.Equal("otto", run.Pipeline.Actor);
        Assert.DoesNotContain(created.Secret, after.Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("igt_", created.Secret, StringComparison.Ordinal);
        var listed = await server.Api.Access.ListTokensAsync(new Proto.ListTokensRequest(), admin);
        Assert.DoesNotContain(listed.ToString(), created.Secret, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAuditTrail_RecordsChangesAndDenials_AndOrgAdminsSeeOnlyTheirOrgs()
    {
        var api = server.Api;
        var marker = "req-" + Guid.NewGuid().ToString("N");
        var otto = Clients.As(server.Tokens["otto"]!);
        otto.Add("x-request-id", marker);
        var run = await api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = server.ProjectId, Message = "audited" }, otto);
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = server.ProjectId, Values = LifecycleChart.Values("z") }, Clients.As(server.Tokens["vera"]!)));
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = server.ProjectId }));

        var forAda = (await api.Access.ListAuditEventsAsync(new Proto.ListAuditEventsRequest { PageSize = 500 }, Clients.As(server.Tokens["ada"]!))).Events;
        var forOlga = (await api.Access.ListAuditEventsAsync(new Proto.ListAuditEventsRequest { PageSize = 500 }, Clients.As(server.Tokens["olga"]!))).Events;
        var forInstance = (await api.Access.ListAuditEventsAsync(new Proto.ListAuditEventsRequest { Org = "*", PageSize = 500 }, Clients.As(server.Bootstrap))).Events;
        var forVera = await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () => await api.Access.ListAuditEventsAsync(new Proto.ListAuditEventsRequest(), Clients.As(server.Tokens["vera"]!)));

        var ran = Assert.Single(forAda, e => e.RequestId == marker);
        Assert.Equal(("otto", "infragrpc.v1.PipelineService/RunPipeline", "acme", server.ProjectId, "OK"), (ran.Actor, ran.Method, ran.Org, ran.Target, ran.Outcome));
        Assert.StartsWith("ipv", ran.ClientAddress, StringComparison.Ordinal);
        Assert.Equal("otto", run.Pipeline.Actor);
        Assert.Contains(forAda, e => e.Actor == "vera" && e.Method.EndsWith("/UpdateProject", StringComparison.Ordinal) && e.Outcome == "PermissionDenied");
        Assert.All(forAda, e => Assert.Equal("acme", e.Org));
        Assert.All(forOlga, e => Assert.Equal("other", e.Org));
        Assert.Contains(forInstance, e => e.Actor == "anonymous" && e.Outcome == "Unauthenticated" && e.Target == server.ProjectId);
        Assert.DoesNotContain(forInstance.ToString(), server.Tokens["ada"]!, StringComparison.Ordinal);
        Assert.Equal("PERMISSION_DENIED", RpcAssert.Info(forVera).Reason);
    }

    [Fact]
    public async Task AJwtNamesItsSubject_AndItsGroupsBindRoles_AndABadOneSaysWhatIsWrong()
    {
        var me = await server.Api.Access.WhoAmIAsync(new Proto.WhoAmIRequest(), Clients.As(server.Tokens["jwt-ops"]!));
        var expired = await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await server.Api.Access.WhoAmIAsync(new Proto.WhoAmIRequest(), Clients.As(server.Tokens["jwt-expired"]!)));
        var wrongKey = await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await server.Api.Access.WhoAmIAsync(new Proto.WhoAmIRequest(), Clients.As(server.Tokens["jwt-wrong-key"]!)));
        var wrongAudience = await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await server.Api.Access.WhoAmIAsync(new Proto.WhoAmIRequest(), Clients.As(server.Tokens["jwt-wrong-audience"]!)));

        Assert.Equal(("jane", "jwt"), (me.Name, me.Method));
        Assert.Equal(["acme-ops"], me.Groups);
        Assert.Contains(me.Roles, r => r.Org == "acme" && r.Role == Proto.Role.Operator);
        Assert.Contains("expired", expired.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("signature", wrongKey.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("audience", wrongAudience.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Tokens["jwt-expired"]![..20], expired.Status.Detail, StringComparison.Ordinal);
    }

    private static Outcome Expect(Need need, (int InAcme, int Anywhere, bool Valid) holds)
    {
        if (!holds.Valid)
        {
            return Outcome.Unauthenticated;
        }

        return need switch
        {
            Need.Viewer or Need.Operator or Need.Admin when holds.InAcme == 0 => Outcome.Hidden,
            Need.Viewer => Outcome.Allowed,
            Need.Operator => holds.InAcme >= 2 ? Outcome.Allowed : Outcome.Denied,
            Need.Admin or Need.AcmeAdmin => holds.InAcme >= 3 ? Outcome.Allowed : Outcome.Denied,
            Need.CreateIn => holds.InAcme >= 2 ? Outcome.Allowed : Outcome.Denied,
            Need.AnyViewer => holds.Anywhere >= 1 ? Outcome.Allowed : Outcome.Denied,
            Need.AnyAdmin => holds.Anywhere >= 3 ? Outcome.Allowed : Outcome.Denied,
            Need.InstanceAdmin => Outcome.Denied,
            _ => Outcome.Allowed,
        };
    }

    // A real request against acme's project and pipeline, so that an allowed call is not a NOT_FOUND.
    private IMessage Request(MethodDescriptor method)
    {
        var project = server.ProjectId;
        var pipeline = server.PipelineId;
        return Key(method) switch
        {
            "InfraChartService.PublishChart" => new Proto.PublishChartRequest { Files = LifecycleChart.Files() },
            "InfraChartService.GetChart" => new Proto.GetChartRequest { Name = LifecycleChart.Name },
            "InfraChartService.ListChartVersions" => new Proto.ListChartVersionsRequest { Name = LifecycleChart.Name },
            "InfraChartService.DeleteChartVersion" => new Proto.DeleteChartVersionRequest { Name = "static-website", Version = "0.0.1" },
            "InfraChartService.RenderChart" => new Proto.RenderChartRequest { Reference = new Proto.ChartReference { Name = LifecycleChart.Name } },
            "InfraProjectService.CreateProject" => LifecycleChart.CreateIn("acme", "made-by-matrix", "dev", "a"),
            "InfraProjectService.UpdateProject" => new Proto.UpdateProjectRequest { Project = project, Values = LifecycleChart.Values("a") },
            "InfraProjectService.PreviewProject" => new Proto.PreviewProjectRequest { Update = new Proto.UpdateProjectRequest { Project = project, Values = LifecycleChart.Values("a") } },
            "InfraProjectService.UpgradeProjectChart" => new Proto.UpgradeProjectChartRequest { Project = project, ValidateOnly = true },
            "InfraProjectService.DiffProjectRevisions" => new Proto.DiffProjectRevisionsRequest { Project = project, FromRevision = 1 },
            "InfraProjectService.RollbackProject" => new Proto.RollbackProjectRequest { Project = project, ToRevision = 1 },
            "InfraProjectService.ForceDeleteProject" => new Proto.ForceDeleteProjectRequest { Project = project, Reason = "matrix" },
            "PipelineService.StreamStackJobLogs" => new Proto.StreamStackJobLogsRequest { PipelineId = pipeline, NodeKey = "Thing/a" },
            "PipelineService.ResolveManualGate" => new Proto.ResolveManualGateRequest { PipelineId = pipeline, Approve = false },
            "AccessService.CreateToken" => new Proto.CreateTokenRequest { Name = "matrix" },
            "AccessService.RevokeToken" => new Proto.RevokeTokenRequest { TokenId = "0000000000000000" },
            "AccessService.BindRole" => new Proto.BindRoleRequest { Org = "acme", SubjectKind = Proto.SubjectKind.User, Subject = "someone", Role = Proto.Role.Viewer },
            "AccessService.UnbindRole" => new Proto.UnbindRoleRequest { BindingId = "none" },
            _ => Generic(method.InputType, project, pipeline),
        };
    }

    // Requests whose only fields are a project address or a pipeline id.
    private static IMessage Generic(MessageDescriptor type, string project, string pipeline)
    {
        var message = type.Parser.ParseFrom(ByteString.Empty);
        type.FindFieldByName("project")?.Accessor.SetValue(message, project);
        type.FindFieldByName("pipeline_id")?.Accessor.SetValue(message, pipeline);
        return message;
    }

    private async Task<StatusCode> CallAsync(MethodDescriptor method, IMessage request, string? token)
    {
        var bytes = Marshallers.Create(b => b, b => b);
        var call = new Method<byte[], byte[]>(method.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary, method.Service.FullName, method.Name, bytes, bytes);
        var invoker = server.Host.Channel.CreateCallInvoker();
        var options = new CallOptions(headers: token is null ? null : Clients.As(token), deadline: DateTime.UtcNow.AddSeconds(30));
        try
        {
            if (method.IsServerStreaming)
            {
                using var stream = invoker.AsyncServerStreamingCall(call, null, options, request.ToByteArray());
                while (await stream.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
            }
            else
            {
                await invoker.AsyncUnaryCall(call, null, options, request.ToByteArray());
            }

            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private static string Key(MethodDescriptor method) => $"{method.Service.Name}.{method.Name}";
}
