using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace InfraGrpc.Server.Hosting;

/// <summary>
/// Binds the two listeners of DESIGN §6: without TLS, Kestrel cannot serve HTTP/1.1 and HTTP/2 on one
/// cleartext port, so gRPC (h2c) and HTTP/1.1 get a port each.
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
        var grpc = Parse(options.GrpcUrl, "InfraGrpc:GrpcUrl");
        var http = Parse(options.HttpUrl, "InfraGrpc:HttpUrl");
        webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            addresses.Grpc = Listen(kestrel, grpc, HttpProtocols.Http2);
            addresses.Http = Listen(kestrel, http, HttpProtocols.Http1);
        });
    }

    private static Uri Parse(string url, string setting)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
        {
            throw new StartupException($"{setting} must be an http://host:port address (TLS is not configured), got '{url}'");
        }

        return uri;
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, Uri uri, HttpProtocols protocols)
    {
        ListenOptions? bound = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
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
