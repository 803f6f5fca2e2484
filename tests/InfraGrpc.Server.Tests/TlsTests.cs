using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using InfraGrpc.Server.Hosting;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Certificates made by the tests: a CA, and server and client certificates it signs, written as PEM.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        Folder = Directory.CreateTempSubdirectory("infragrpc-certs-").FullName;
    }

    public string Folder { get; }

    public static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(60));
    }

    public static X509Certificate2 Issue(X509Certificate2 authority, string commonName, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], true));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(16));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes a certificate (and its key, when it has one) as PEM files; returns their paths.</summary>
    public (string Certificate, string Key) Write(string name, X509Certificate2 certificate)
    {
        var (certificatePath, keyPath) = (Path.Combine(Folder, name + ".crt"), Path.Combine(Folder, name + ".key"));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        if (certificate.GetECDsaPrivateKey() is { } key)
        {
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        }

        return (certificatePath, keyPath);
    }

    /// <summary>An HTTP handler that trusts only <paramref name="authority"/>, optionally presenting a client certificate.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2 authority, X509Certificate2? client = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(new X509Certificate2(certificate));
        };
        if (client is not null)
        {
            handler.SslOptions.ClientCertificates = [client];
        }

        return handler;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>Issue 13: TLS on one port for gRPC and webhooks, nothing in cleartext, and mTLS identities.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly X509Certificate2 _authority = TestCertificates.Authority("InfraGrpc test CA");

    [Fact]
    public async Task OnePort_ServesGrpcGrpcWebAndWebhooksOverTls_AndNothingListensInCleartext()
    {
        var (certificate, key) = _certificates.Write("server", TestCertificates.Issue(_authority, "localhost", server: true));
        var host = await StartAsync($"--InfraGrpc:Tls:CertificateFile={certificate}", $"--InfraGrpc:Tls:KeyFile={key}");
        try
        {
            using var channel = GrpcChannel.ForAddress(host.GrpcAddress, new GrpcChannelOptions { HttpHandler = TestCertificates.Handler(_authority) });
            var me = await new Proto.AccessService.AccessServiceClient(channel).WhoAmIAsync(new Proto.WhoAmIRequest(), Clients.As(Bootstrap));

            // gRPC-Web, as a browser speaks it: HTTP/1.1 on the same port.
            var web = new global::Grpc.Net.Client.Web.GrpcWebHandler(global::Grpc.Net.Client.Web.GrpcWebMode.GrpcWeb, TestCertificates.Handler(_authority));
            using var webChannel = GrpcChannel.ForAddress(host.GrpcAddress, new GrpcChannelOptions { HttpHandler = web, HttpVersion = HttpVersion.Version11, HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact });
            var overWeb = await new Proto.AccessService.AccessServiceClient(webChannel).WhoAmIAsync(new Proto.WhoAmIRequest(), Clients.As(Bootstrap));
            var anonymousOverWeb = await Assert.ThrowsAsync<RpcException>(async () => await new Proto.AccessService.AccessServiceClient(webChannel).WhoAmIAsync(new Proto.WhoAmIRequest()));
            using var https = new HttpClient(TestCertificates.Handler(_authority)) { BaseAddress = host.GrpcAddress, DefaultRequestVersion = HttpVersion.Version11 };
            using var webhook = await https.PostAsync(new Uri("/webhooks/github", UriKind.Relative), new StringContent("{}"));
            using var cleartext = new HttpClient { BaseAddress = new UriBuilder(host.GrpcAddress) { Scheme = "http" }.Uri };

            Assert.Equal("https", host.GrpcAddress.Scheme);
            Assert.Equal(host.GrpcAddress, host.HttpAddress);
            Assert.Equal("bootstrap-admin", me.Name);
            Assert.Equal("bootstrap-admin", overWeb.Name);
            Assert.Equal(StatusCode.Unauthenticated, anonymousOverWeb.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, webhook.StatusCode); // the webhook handler answered: no X-GitHub-Event header
            Assert.Equal(new Version(1, 1), webhook.Version);
            await Assert.ThrowsAsync<HttpRequestException>(async () => await cleartext.GetAsync(new Uri("/", UriKind.Relative)));
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Fact]
    public async Task MutualTls_MapsTheCertificateToAnIdentity_AndRefusesAStrangersCertificate()
    {
        var (certificate, key) = _certificates.Write("server", TestCertificates.Issue(_authority, "localhost", server: true));
        var (clientCa, _) = _certificates.Write("client-ca", _authority);
        var host = await StartAsync(
            $"--InfraGrpc:Tls:CertificateFile={certificate}", $"--InfraGrpc:Tls:KeyFile={key}", $"--InfraGrpc:Tls:ClientCaFile={clientCa}",
            "--InfraGrpc:Auth:Bindings:0:Org=acme", "--InfraGrpc:Auth:Bindings:0:Subject=user:robot", "--InfraGrpc:Auth:Bindings:0:Role=operator");
        try
        {
            var robot = TestCertificates.Issue(_authority, "robot", server: false);
            var stranger = TestCertificates.Issue(TestCertificates.Authority("Someone else's CA"), "robot", server: false);
            using var trusted = GrpcChannel.ForAddress(host.GrpcAddress, new GrpcChannelOptions { HttpHandler = TestCertificates.Handler(_authority, robot) });
            using var refused = GrpcChannel.ForAddress(host.GrpcAddress, new GrpcChannelOptions { HttpHandler = TestCertificates.Handler(_authority, stranger) });
            using var none = GrpcChannel.ForAddress(host.GrpcAddress, new GrpcChannelOptions { HttpHandler = TestCertificates.Handler(_authority) });

            var me = await new Proto.AccessService.AccessServiceClient(trusted).WhoAmIAsync(new Proto.WhoAmIRequest());
            var strangerCall = await Assert.ThrowsAsync<RpcException>(async () => await new Proto.AccessService.AccessServiceClient(refused).WhoAmIAsync(new Proto.WhoAmIRequest()));
            var anonymous = await Assert.ThrowsAsync<RpcException>(async () => await new Proto.AccessService.AccessServiceClient(none).WhoAmIAsync(new Proto.WhoAmIRequest()));

            Assert.Equal(("robot", "certificate"), (me.Name, me.Method));
            Assert.Contains(me.Roles, r => r.Org == "acme" && r.Role == Proto.Role.Operator);
            Assert.NotEqual(StatusCode.OK, strangerCall.StatusCode);
            Assert.NotEqual(StatusCode.PermissionDenied, strangerCall.StatusCode);
            Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        }
        finally
        {
            await StopAsync(host);
        }
    }

    [Fact]
    public async Task AnHttpsAddress_WithoutACertificate_RefusesToStart_NamingTheSetting()
    {
        var directory = Directory.CreateTempSubdirectory("infragrpc-tls-").FullName;
        try
        {
            var refused = await Assert.ThrowsAsync<StartupException>(async () => await ServerHost.StartAsync(directory, "--InfraGrpc:GrpcUrl=https://127.0.0.1:0"));

            Assert.Contains("InfraGrpc:Tls:CertificateFile", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _authority.Dispose();
    }

    private const string Bootstrap = "a-bootstrap-token-for-tls-tests";

    private async Task<ServerHost> StartAsync(params string[] tls)
    {
        var token = Path.Combine(_certificates.Folder, "bootstrap");
        await File.WriteAllTextAsync(token, Bootstrap);
        return await ServerHost.StartAsync(null, [.. tls, "--InfraGrpc:GrpcUrl=https://127.0.0.1:0", $"--InfraGrpc:Auth:BootstrapTokenFile={token}"]);
    }

    private static async Task StopAsync(ServerHost host)
    {
        await host.DisposeAsync();
        Directory.Delete(host.DataDirectory, recursive: true);
    }
}
