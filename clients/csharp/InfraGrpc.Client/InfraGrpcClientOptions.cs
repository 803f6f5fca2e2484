namespace InfraGrpc.Client;

/// <summary>How to reach a server; anything unset falls back to the environment (see <see cref="InfraGrpcClient.Create(InfraGrpcClientOptions)"/>).</summary>
public sealed record InfraGrpcClientOptions
{
    /// <summary>The server address, <c>http://host:port</c> or <c>https://host:port</c>.</summary>
    public string? Server { get; init; }

    /// <summary>A bearer token (API token or JWT).</summary>
    public string? Token { get; init; }

    /// <summary>A file holding the bearer token, so it never sits in argv.</summary>
    public string? TokenFile { get; init; }

    /// <summary>PEM CA certificates that an https:// server's certificate must chain to (instead of the system's roots).</summary>
    public string? CaFile { get; init; }
}
