using Grpc.Core;
using InfraGrpc.Server.Hosting;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Issue 13, secure defaults: an open server only on loopback; a bootstrap token from a file or the environment.</summary>
public sealed class SecureDefaultsTests
{
    [Theory]
    [InlineData("--InfraGrpc:GrpcUrl=http://0.0.0.0:0")]
    [InlineData("--InfraGrpc:HttpUrl=http://0.0.0.0:0")]
    public async Task AnOpenServer_OnANonLoopbackAddress_RefusesToStart_NamingTheSetting(string listener)
    {
        var directory = Directory.CreateTempSubdirectory("infragrpc-open-").FullName;
        try
        {
            var refused = await Assert.ThrowsAsync<StartupException>(async () => await ServerHost.StartAsync(directory, listener));

            Assert.Contains("0.0.0.0", refused.Message, StringComparison.Ordinal);
            Assert.Contains("InfraGrpc:Auth:BootstrapTokenFile", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', refused.Message);
            Assert.Empty(Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ASecuredServer_OnAnyAddress_Starts_AndRefusesAnonymousCallers()
    {
        var secrets = Directory.CreateTempSubdirectory("infragrpc-secrets-").FullName;
        var file = Path.Combine(secrets, "token");
        await File.WriteAllTextAsync(file, "a-bootstrap-token-long-enough");
        var host = await ServerHost.StartAsync(null, "--InfraGrpc:GrpcUrl=http://0.0.0.0:0", $"--InfraGrpc:Auth:BootstrapTokenFile={file}");
        var api = new Clients(host.Channel);
        try
        {
            var anonymous = await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest()));
            var wrong = await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest(), Clients.As("not-the-token")));
            var me = await api.Access.WhoAmIAsync(new Proto.WhoAmIRequest(), Clients.As("a-bootstrap-token-long-enough"));

            Assert.Contains("authorization: Bearer", anonymous.Status.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-token", wrong.Status.Detail, StringComparison.Ordinal);
            Assert.Equal("bootstrap-admin", me.Name);
            Assert.Contains(me.Roles, r => r.Org == "*" && r.Role == Proto.Role.Admin);
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(host.DataDirectory, recursive: true);
            Directory.Delete(secrets, recursive: true);
        }
    }

    [Fact]
    public async Task AFloodOfDenials_WritesItsBudget_AndOneNotice_NotOneEventEach()
    {
        var secrets = Directory.CreateTempSubdirectory("infragrpc-secrets-").FullName;
        var file = Path.Combine(secrets, "token");
        await File.WriteAllTextAsync(file, "a-bootstrap-token-long-enough");
        var host = await ServerHost.StartAsync(null, $"--InfraGrpc:Auth:BootstrapTokenFile={file}", "--InfraGrpc:Auth:DenialAuditPerMinute=5");
        var api = new Clients(host.Channel);
        try
        {
            for (var i = 0; i < 40; i++)
            {
                await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/p" + i }));
            }

            var events = (await api.Access.ListAuditEventsAsync(new Proto.ListAuditEventsRequest { Org = "*", PageSize = 500 }, Clients.As("a-bootstrap-token-long-enough"))).Events
                .Where(e => e.Actor == "anonymous").ToList();

            Assert.Equal(5, events.Count(e => e.Outcome == "Unauthenticated"));
            var notice = Assert.Single(events, e => e.Outcome == "SUPPRESSED");
            Assert.Contains("more than 5 denials", notice.Target, StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(host.DataDirectory, recursive: true);
            Directory.Delete(secrets, recursive: true);
        }
    }

    [Fact]
    public async Task AnOpenServer_OnLoopback_ServesAnonymousCallersAsTheInstanceAdmin()
    {
        var host = await ServerHost.StartAsync();
        Proto.WhoAmIResponse me;
        try
        {
            me = await new Clients(host.Channel).Access.WhoAmIAsync(new Proto.WhoAmIRequest());
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(host.DataDirectory, recursive: true);
        }

        Assert.Equal("anonymous", me.Name);
        Assert.Contains(me.Roles, r => r.Org == "*" && r.Role == Proto.Role.Admin);
    }
}
