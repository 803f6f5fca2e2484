using System.Net;
using InfraGrpc.Domain.Access;
using InfraGrpc.Server.Hosting;

namespace InfraGrpc.Server.Access;

/// <summary>Builds <see cref="AccessSettings"/> from configuration, and refuses an open server on a non-loopback address.</summary>
internal static class AccessSetup
{
    public static void AddInfraGrpcAccess(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(InfraGrpcOptions.Section).Get<InfraGrpcOptions>() ?? new InfraGrpcOptions();
        var settings = Settings(options, Environment.GetEnvironmentVariable(AuthOptions.BootstrapTokenVariable));
        if (settings.Open && Exposed(options) is { } exposed)
        {
            throw new StartupException(
                $"{exposed} is not a loopback address and no authentication is configured; set InfraGrpc:Auth:BootstrapTokenFile (or {AuthOptions.BootstrapTokenVariable}) and bind roles under InfraGrpc:Auth:Bindings, or listen on 127.0.0.1");
        }

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<AccessManager>();
        if (options.Auth.DenialAuditPerMinute <= 0)
        {
            throw new StartupException($"InfraGrpc:Auth:DenialAuditPerMinute must be a positive number of denials, got {options.Auth.DenialAuditPerMinute}");
        }

        builder.Services.AddSingleton(sp => new DenialThrottle(sp.GetRequiredService<TimeProvider>(), options.Auth.DenialAuditPerMinute));
        if (options.Auth.Jwt.Enabled)
        {
            JwtSetup.AddJwt(builder, options.Auth.Jwt);
        }
    }

    public static AccessSettings Settings(InfraGrpcOptions options, string? bootstrapFromEnvironment)
    {
        var tokens = new Dictionary<string, string>(options.Tokens, StringComparer.Ordinal);
        var bootstrap = options.Auth.BootstrapTokenFile is { Length: > 0 } file
            ? ReadToken(file)
            : string.IsNullOrWhiteSpace(bootstrapFromEnvironment) ? null : bootstrapFromEnvironment.Trim();
        var bindings = options.Auth.Bindings.Select((b, i) => Binding(b, i)).ToList();
        if (bootstrap is not null)
        {
            tokens[AccessSettings.BootstrapAdmin] = bootstrap;
            bindings.Add(new RoleBinding(string.Empty, RoleBinding.Instance, SubjectKind.User, AccessSettings.BootstrapAdmin, Role.Admin, "configuration", DateTimeOffset.UnixEpoch));
        }

        var open = bootstrap is null && !options.Auth.Required && bindings.Count == 0 && !options.Auth.Jwt.Enabled;
        return new AccessSettings(open, tokens, bindings) { Jwt = options.Auth.Jwt.Enabled };
    }

    private static string ReadToken(string file)
    {
        try
        {
            var token = File.ReadAllText(file).Trim();
            return token.Length >= 16 ? token : throw new StartupException($"the bootstrap token in {file} is shorter than 16 characters");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"InfraGrpc:Auth:BootstrapTokenFile {file} cannot be read: {e.Message}", e);
        }
    }

    private static RoleBinding Binding(BindingOptions options, int index)
    {
        var (kind, subject) = options.Subject.Split(':', 2) switch
        {
            ["user", var s] => (SubjectKind.User, s),
            ["group", var s] => (SubjectKind.Group, s),
            ["token", var s] => (SubjectKind.Token, s),
            _ => throw new StartupException($"InfraGrpc:Auth:Bindings:{index}:Subject must be user:NAME, group:NAME or token:ID"),
        };
        var role = Enum.TryParse<Role>(options.Role, ignoreCase: true, out var parsed) && parsed != Role.None
            ? parsed
            : throw new StartupException($"InfraGrpc:Auth:Bindings:{index}:Role must be viewer, operator or admin");
        var org = options.Org.Length == 0 ? throw new StartupException($"InfraGrpc:Auth:Bindings:{index}:Org is required (an org, or * for the instance)") : options.Org;
        return new RoleBinding(string.Empty, org, kind, subject, role, "configuration", DateTimeOffset.UnixEpoch);
    }

    // The first listener that is not on a loopback address, if any.
    private static string? Exposed(InfraGrpcOptions options) =>
        new[] { options.GrpcUrl, options.HttpUrl }.FirstOrDefault(url =>
            !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || !(uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address))));
}
