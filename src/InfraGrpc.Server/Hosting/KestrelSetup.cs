using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace InfraGrpc.Server.Hosting;

/// <summary>
/// Binds the listeners of DESIGN §6. Without TLS, Kestrel cannot serve HTTP/1.1 and HTTP/2 on one
/// cleartext port, so gRPC (h2c) and HTTP/1.1 get a port each. With TLS, one port serves both (ALPN) and
/// nothing listens in cleartext unless configured.
/// </summary>
internal static class KestrelSetup
{
    /// <summary>The largest gRPC message accepted; larger ones are RESOURCE_EXHAUSTED.</summary>
    public const int MaxGrpcMessageBytes = 32 * 1024 * 1024;

    /// <summary>
    /// Kestrel's own body limit sits above the gRPC one (a message plus its 5-byte frame header), so the
    /// gRPC limit always answers first with RESOURCE_EXHAUSTED; webhooks apply their smaller limit themselves.
    /// </summary>
    public const long MaxRequestBodyBytes = MaxGrpcMessageBytes + (1024 * 1024);

    public static void AddInfraGrpcListeners(this IWebHostBuilder webHost, InfraGrpcOptions options, ListenerAddresses addresses)
    {
        var tls = options.Tls.Enabled ? LoadTls(options.Tls) : null;
        var grpc = Parse(options.GrpcUrl, "InfraGrpc:GrpcUrl", tls is not null);
        var http = tls is null || options.Tls.AllowCleartextHttp ? Parse(options.HttpUrl, "InfraGrpc:HttpUrl", false) : null;
        webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            if (tls is null)
            {
                addresses.Grpc = Listen(kestrel, grpc, HttpProtocols.Http2, null);
                addresses.Http = Listen(kestrel, http!, HttpProtocols.Http1, null);
                return;
            }

            addresses.Tls = true;
            addresses.Grpc = Listen(kestrel, grpc, HttpProtocols.Http1AndHttp2, tls);
            addresses.Http = http is null ? addresses.Grpc : Listen(kestrel, http, HttpProtocols.Http1, null);
        });
    }

    private static HttpsConnectionAdapterOptions LoadTls(TlsOptions options)
    {
        X509Certificate2 certificate;
        X509Certificate2Collection? clientCa = null;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(options.CertificateFile!, options.KeyFile);
            if (options.ClientCaFile is { Length: > 0 } caFile)
            {
                clientCa = [];
                clientCa.ImportFromPemFile(caFile);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new StartupException($"InfraGrpc:Tls cannot load the certificate, key or client CA ({e.Message.TrimEnd('.')}); give PEM files in CertificateFile, KeyFile and ClientCaFile", e);
        }

        var https = new HttpsConnectionAdapterOptions { ServerCertificate = certificate };
        if (clientCa is not null)
        {
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (presented, _, _) => TrustedClient(presented, clientCa);
        }

        return https;
    }

    /// <summary>A client certificate is accepted only when it chains to the configured client CA (and no other root).</summary>
    internal static bool TrustedClient(X509Certificate2 presented, X509Certificate2Collection clientCa)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(clientCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2"));
        return chain.Build(presented);
    }

    private static Uri Parse(string url, string setting, bool tls)
    {
        var scheme = tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != scheme || uri.AbsolutePath != "/")
        {
            throw new StartupException(tls
                ? $"{setting} must be an https://host:port address when InfraGrpc:Tls:CertificateFile is set, got '{url}'"
                : $"{setting} must be an http://host:port address (TLS is not configured: set InfraGrpc:Tls:CertificateFile and KeyFile for https), got '{url}'");
        }

        return uri;
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, Uri uri, HttpProtocols protocols, HttpsConnectionAdapterOptions? tls)
    {
        ListenOptions? bound = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            if (tls is not null)
            {
                listen.UseHttps(tls);
            }

            bound ??= listen;
        }

        if (uri.IsLoopback && uri.Host == "localhost" && uri.Port != 0)
        {
            kestrel.ListenLocalhost(uri.Port, Configure);
        }
        else if (uri.Host is "*" or "0.0.0.0" or "[::]")
        {
            kestrel.ListenAnyIP(uri.Port, Configure);
        }
        else
        {
            // Kestrel cannot bind "localhost" to port 0 (two sockets, two ports), so take IPv4 loopback.
            var address = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(uri.Host.Trim('[', ']'));
            kestrel.Listen(address, uri.Port, Configure);
        }

        return bound!;
    }
}
