using InfraGrpc.Cli;
using InfraGrpc.Server.Tests;

namespace InfraGrpc.Cli.Tests;

/// <summary>Issue 13: infractl talks to an https:// server it trusts through --ca-file.</summary>
public sealed class TlsCommandTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    [Fact]
    public async Task AnHttpsServer_IsReachedWithItsCaFile_AndRefusedWithout()
    {
        using var authority = TestCertificates.Authority("infractl test CA");
        var (certificate, key) = _certificates.Write("server", TestCertificates.Issue(authority, "localhost", server: true));
        var (ca, _) = _certificates.Write("ca", authority);
        var token = Path.Combine(_certificates.Folder, "bootstrap");
        await File.WriteAllTextAsync(token, "bootstrap-token-for-the-cli");
        var host = await ServerHost.StartAsync(
            null, "--InfraGrpc:GrpcUrl=https://127.0.0.1:0", $"--InfraGrpc:Tls:CertificateFile={certificate}", $"--InfraGrpc:Tls:KeyFile={key}", $"--InfraGrpc:Auth:BootstrapTokenFile={token}");
        try
        {
            var variables = new Dictionary<string, string> { [CliApp.TokenVariable] = "bootstrap-token-for-the-cli" };
            var trusted = await CliRunner.RunWithAsync(host, variables, true, "--ca-file", ca, "whoami");
            var untrusted = await CliRunner.RunWithAsync(host, variables, true, "whoami");

            // A context keeps the server, the CA file and the token file (paths only); flags and the environment are not needed.
            var config = new Dictionary<string, string> { [CliConfig.PathVariable] = Path.Combine(_certificates.Folder, "infractl.yaml"), [CliApp.ServerVariable] = string.Empty };
            var set = await CliRunner.RunWithAsync(host, config, true, "config", "set-context", "prod", "--server-url", host.GrpcAddress.ToString(), "--ca", ca, "--token-path", token);
            var fromContext = await CliRunner.RunWithAsync(host, config, true, "whoami");
            var contexts = await CliRunner.RunWithAsync(host, config, true, "config", "get-contexts");

            Assert.Equal(0, set.ExitCode);
            Assert.Contains("bootstrap-admin", fromContext.Out, StringComparison.Ordinal);
            Assert.Contains("prod", contexts.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("bootstrap-token-for-the-cli", await File.ReadAllTextAsync(config[CliConfig.PathVariable]), StringComparison.Ordinal);
            Assert.Equal(0, trusted.ExitCode);
            Assert.Contains("bootstrap-admin", trusted.Out, StringComparison.Ordinal);
            Assert.NotEqual(0, untrusted.ExitCode);
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(host.DataDirectory, recursive: true);
        }
    }

    public void Dispose() => _certificates.Dispose();
}
