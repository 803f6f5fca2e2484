using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace InfraGrpc.Server.Hosting;

/// <summary>The two listeners, so that the addresses actually bound (port 0 included) can be read after start.</summary>
public sealed class ListenerAddresses
{
    internal ListenOptions? Grpc { get; set; }

    internal ListenOptions? Http { get; set; }

    /// <summary>Whether the listeners serve TLS.</summary>
    internal bool Tls { get; set; }

    /// <summary>The bound gRPC address, e.g. <c>http://127.0.0.1:50051</c>.</summary>
    public Uri GrpcUri => ToUri(Grpc, Tls);

    /// <summary>The bound HTTP/1.1 address.</summary>
    public Uri HttpUri => ToUri(Http, Tls && Http == Grpc);

    private static Uri ToUri(ListenOptions? options, bool tls)
    {
        var endpoint = options?.IPEndPoint ?? throw new InvalidOperationException("the server has not started");
        var host = endpoint.Address.Equals(IPAddress.IPv6Loopback) ? "[::1]"
            : endpoint.Address.Equals(IPAddress.IPv6Any) || endpoint.Address.Equals(IPAddress.Any) ? "localhost"
            : endpoint.Address.ToString();
        var scheme = tls ? "https" : "http";
        return new Uri($"{scheme}://{host}:{endpoint.Port}");
    }
}
