namespace InfraGrpc.Server.Hosting;

/// <summary>The <c>InfraGrpc</c> configuration section (command line <c>--InfraGrpc:Key=value</c>, environment <c>InfraGrpc__Key</c>, or appsettings).</summary>
public sealed class InfraGrpcOptions
{
    public const string Section = "InfraGrpc";

    /// <summary>The gRPC listener (HTTP/2 cleartext). Port 0 picks a free port.</summary>
    public string GrpcUrl { get; set; } = "http://localhost:50051";

    /// <summary>The HTTP/1.1 listener (webhooks, later gRPC-Web and the console). Port 0 picks a free port.</summary>
    public string HttpUrl { get; set; } = "http://localhost:8080";

    /// <summary>The data directory holding <c>infragrpc.db</c> and its lock.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Storage settings: <c>InfraGrpc:Storage:MinFreeBytes</c>, the free space the store keeps in reserve.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>The built-in chart catalog folder; empty disables it. Defaults to the <c>charts</c> folder shipped with the server.</summary>
    public string? ChartsDirectory { get; set; }

    /// <summary>Bearer tokens by actor name (<c>InfraGrpc:Tokens:alice=…</c>); callers without a token are <c>anonymous</c>.</summary>
    public Dictionary<string, string> Tokens { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Settings of the embedded store.</summary>
public sealed class StorageOptions
{
    /// <summary>Writes are refused (RESOURCE_EXHAUSTED) while the data directory's file system has less free space than this; 0 turns the check off.</summary>
    public long MinFreeBytes { get; set; } = InfraGrpc.Storage.LiteDb.LiteDbStore.DefaultMinFreeBytes;
}
