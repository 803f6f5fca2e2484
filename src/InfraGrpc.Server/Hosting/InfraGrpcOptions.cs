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

    /// <summary>Bearer tokens by identity name (<c>InfraGrpc:Tokens:alice=…</c>); bind roles to them under <see cref="Auth"/>.</summary>
    public Dictionary<string, string> Tokens { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Authentication and authorisation: <c>InfraGrpc:Auth:…</c>.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>TLS: <c>InfraGrpc:Tls:…</c>. With it, one https port serves gRPC and HTTP/1.1 (ALPN).</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>Traces, metrics and the Prometheus endpoint: <c>InfraGrpc:Telemetry:…</c>.</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>
    /// The thread pool's minimum worker threads; 0 keeps the runtime's (one per core). Every LiteDB call runs
    /// synchronously under the store's gate, so a call that waits for it holds a thread, and the pool adds
    /// threads only every half second. On 2 cores, 32 took 50 watchers of a busy pipeline from p99 0.3–0.4 s
    /// to 20–110 ms, but the 1,000-node deploy from 1.07 to 1.2–1.3 of its ideal (bench/README.md): raise it
    /// for many watchers, keep it for the fastest deploys.
    /// </summary>
    public int MinWorkerThreads { get; set; }
}

/// <summary>
/// TLS from PEM files. With a certificate, <c>GrpcUrl</c> is an https:// address whose one port serves gRPC
/// (HTTP/2) and webhooks (HTTP/1.1), chosen by ALPN; the cleartext HTTP listener stays closed unless
/// <see cref="AllowCleartextHttp"/>. With <see cref="ClientCaFile"/>, clients may present a certificate
/// signed by that CA (mTLS); its common name is their identity, and any other certificate is refused.
/// </summary>
public sealed class TlsOptions
{
    public string? CertificateFile { get; set; }

    public string? KeyFile { get; set; }

    public string? ClientCaFile { get; set; }

    public bool AllowCleartextHttp { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(CertificateFile);
}

/// <summary>
/// How callers prove who they are and what they may do. With none of these set the server is open: every
/// caller is the instance admin, which it allows only when every listener is on a loopback address.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>The environment variable that may hold the bootstrap admin token.</summary>
    public const string BootstrapTokenVariable = "INFRAGRPC_BOOTSTRAP_TOKEN";

    /// <summary>A file holding the bootstrap admin token (never give a token on the command line: /proc shows it).</summary>
    public string? BootstrapTokenFile { get; set; }

    /// <summary>Require a credential even with no token or binding configured.</summary>
    public bool Required { get; set; }

    /// <summary>Role bindings: <c>InfraGrpc:Auth:Bindings:0:Org=acme</c>, <c>…:Subject=user:maria</c> (or <c>group:…</c>, <c>token:…</c>), <c>…:Role=operator</c>.</summary>
    public List<BindingOptions> Bindings { get; set; } = [];

    /// <summary>JWTs from an OIDC identity provider: <c>InfraGrpc:Auth:Jwt:…</c>.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>
    /// How many denials per minute one caller (identity and client host) writes to the audit trail; the rest
    /// are counted into one SUPPRESSED event, so a flood of refused calls cannot fill the disk.
    /// </summary>
    public int DenialAuditPerMinute { get; set; } = Domain.Access.DenialThrottle.DefaultPerWindow;
}

/// <summary>
/// JWT bearer tokens from an external identity provider, checked by ASP.NET Core's JWT bearer handler:
/// the issuer, the audience, and signing keys from a JWKS file or URL (or the issuer's OIDC discovery
/// document when neither is given). The name claim names the caller; the groups claim lists groups
/// that role bindings (<c>group:NAME</c>) can bind.
/// </summary>
public sealed class JwtOptions
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    public string? JwksFile { get; set; }

    public string? JwksUrl { get; set; }

    public string NameClaim { get; set; } = "sub";

    public string GroupsClaim { get; set; } = "groups";

    public bool Enabled => !string.IsNullOrEmpty(Issuer) && !string.IsNullOrEmpty(Audience);
}

/// <summary>One configured role binding.</summary>
public sealed class BindingOptions
{
    public string Org { get; set; } = string.Empty;

    public string Subject { get; set; } = string.Empty;

    public string Role { get; set; } = string.Empty;
}

/// <summary>Settings of the store: the embedded LiteDB file (the default) or PostgreSQL.</summary>
public sealed class StorageOptions
{
    public const string LiteDb = "litedb";

    public const string Postgres = "postgres";

    /// <summary><c>litedb</c> (one file in the data directory) or <c>postgres</c> (<see cref="ConnectionString"/>).</summary>
    public string Provider { get; set; } = LiteDb;

    /// <summary>The Npgsql connection string of the PostgreSQL database, for the <c>postgres</c> provider.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Writes are refused (RESOURCE_EXHAUSTED) while the data directory's file system has less free space than this; 0 turns the check off.</summary>
    public long MinFreeBytes { get; set; } = InfraGrpc.Storage.LiteDb.LiteDbStore.DefaultMinFreeBytes;
}

/// <summary>OpenTelemetry settings; OTLP export follows the standard <c>OTEL_EXPORTER_OTLP_*</c> variables.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Collect traces and metrics (false turns OpenTelemetry off entirely; the probes stay).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The Prometheus scrape path on the HTTP listener; empty turns the endpoint off.</summary>
    public string MetricsPath { get; set; } = "/metrics";
}
