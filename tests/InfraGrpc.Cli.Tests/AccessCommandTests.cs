using InfraGrpc.Cli;
using InfraGrpc.Server.Tests;

namespace InfraGrpc.Cli.Tests;

/// <summary>Issue 13: infractl authenticates with --token-file or INFRAGRPC_TOKEN, and manages tokens and bindings.</summary>
public sealed class AccessCommandTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("infractl-tokens-").FullName;

    [Fact]
    public async Task TokenFile_AndTheEnvironment_Authenticate_AndAnAdminManagesTokensAndBindings()
    {
        var file = Path.Combine(_folder, "ada");
        await File.WriteAllTextAsync(file, server.Tokens["ada"] + "\n");
        var ada = new Dictionary<string, string> { [CliApp.TokenVariable] = server.Tokens["ada"]! };

        var whoami = await CliRunner.RunAsync(server.Host, "--token-file", file, "whoami");
        var created = await CliRunner.RunWithAsync(server.Host, ada, true, "token", "create", "ci-deploy");
        var bound = await CliRunner.RunWithAsync(server.Host, ada, true, "access", "bind", "acme", "--user", "newbie", "--role", "viewer");
        var listed = await CliRunner.RunWithAsync(server.Host, ada, true, "access", "list", "--org", "acme");
        var anonymous = await CliRunner.RunAsync(server.Host, "infra-project", "list");
        var audit = await CliRunner.RunWithAsync(server.Host, ada, true, "audit", "--method", "BindRole", "-o", "json");

        Assert.Equal(0, whoami.ExitCode);
        Assert.Contains("ada (token)", whoami.Out, StringComparison.Ordinal);
        Assert.Contains("admin in acme", whoami.Out, StringComparison.Ordinal);
        Assert.Equal(0, created.ExitCode);
        Assert.StartsWith("igt_", created.Out.Trim(), StringComparison.Ordinal);
        Assert.Contains("not shown again", created.Error, StringComparison.Ordinal);
        Assert.Contains("user:newbie is viewer in acme", bound.Out, StringComparison.Ordinal);
        Assert.Contains("newbie", listed.Out, StringComparison.Ordinal);
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("Bearer", anonymous.Error, StringComparison.Ordinal);
        Assert.Equal(0, audit.ExitCode);
        Assert.Contains("\"target\": \"newbie\"", audit.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Tokens["ada"]!, audit.Out, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
