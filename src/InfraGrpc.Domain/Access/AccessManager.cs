using System.Security.Cryptography;
using System.Text;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Projects;

namespace InfraGrpc.Domain.Access;

/// <summary>Access settings from configuration.</summary>
/// <param name="Open">No authentication is configured: every caller is the instance admin (allowed on loopback listeners only).</param>
/// <param name="ConfiguredTokens">Bearer tokens by identity name, from configuration (the bootstrap admin token among them).</param>
/// <param name="ConfiguredBindings">Role bindings from configuration.</param>
public sealed record AccessSettings(bool Open, IReadOnlyDictionary<string, string> ConfiguredTokens, IReadOnlyList<RoleBinding> ConfiguredBindings)
{
    /// <summary>JWTs from an identity provider are accepted (checked by the host's JWT bearer handler).</summary>
    public bool Jwt { get; init; }

    /// <summary>The identity of the bootstrap admin token, bound as instance admin.</summary>
    public const string BootstrapAdmin = "bootstrap-admin";
}

/// <summary>
/// Authentication by API token or configured token, the roles an identity holds, and the management of
/// tokens and bindings. Secrets are random (256 bits), shown once, stored as SHA-256 hashes, and compared
/// in constant time.
/// </summary>
public sealed class AccessManager(IAccessStore store, AccessSettings settings, TimeProvider clock)
{
    public const string TokenPrefix = "igt_";
    private const string NotValid = "the bearer token is not valid";

    public bool Open => settings.Open;

    public bool AcceptsJwt => settings.Jwt;

    /// <summary>The identity a bearer token names; anonymous without one.</summary>
    /// <exception cref="UnauthenticatedException">The token is unknown, revoked or expired.</exception>
    public async Task<Identity> AuthenticateAsync(string? bearer, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(bearer))
        {
            return Identity.Anonymous;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(bearer));
        if (bearer.StartsWith(TokenPrefix, StringComparison.Ordinal) && bearer.Split('_') is [_, var id, _] && id.Length == 16)
        {
            var token = await store.GetTokenAsync(id, cancellationToken);
            if (token is null || !CryptographicOperations.FixedTimeEquals(presented, token.SecretHash))
            {
                throw new UnauthenticatedException(NotValid);
            }

            if (token.RevokedAt is not null)
            {
                throw new UnauthenticatedException($"the token {token.Id} was revoked");
            }

            return token.ExpiresAt is { } expiry && expiry <= clock.GetUtcNow()
                ? throw new UnauthenticatedException($"the token {token.Id} expired at {expiry:u}")
                : new Identity(token.Owner, "token", [], token.Id);
        }

        string? name = null;
        foreach (var (identity, configured) in settings.ConfiguredTokens)
        {
            // Every configured token is compared, match or not, so timing does not tell which matched.
            if (CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(configured))))
            {
                name = identity;
            }
        }

        return name is null ? throw new UnauthenticatedException(NotValid) : new Identity(name, "configured-token", [], null);
    }

    /// <summary>The roles an identity holds.</summary>
    public async Task<Grants> GrantsAsync(Identity identity, CancellationToken cancellationToken = default)
    {
        if (settings.Open)
        {
            return Grants.InstanceAdmin;
        }

        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        foreach (var binding in settings.ConfiguredBindings.Concat(await store.ListBindingsAsync(cancellationToken)).Where(b => Matches(b, identity)))
        {
            roles[binding.Org] = (Role)Math.Max((int)roles.GetValueOrDefault(binding.Org), (int)binding.Role);
        }

        return new Grants(roles);
    }

    public async Task<(ApiToken Token, string Secret)> CreateTokenAsync(Identity caller, Grants grants, string name, string? owner, TimeSpan? ttl, CancellationToken cancellationToken = default)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 63 || name.Any(char.IsControl))
        {
            violations.Add(new FieldViolation("name", "1 to 63 characters, without control characters"));
        }

        if (ttl is { } t && (t <= TimeSpan.Zero || t > TimeSpan.FromDays(3650)))
        {
            violations.Add(new FieldViolation("ttl_seconds", "0 (no expiry) or up to ten years"));
        }

        if (owner is { Length: > 0 } && (owner.Length > 256 || owner.Any(char.IsControl)))
        {
            violations.Add(new FieldViolation("owner", "at most 256 characters, without control characters"));
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        if (caller.Method == "anonymous" && !settings.Open)
        {
            throw new UnauthenticatedException("a token is created by an authenticated caller");
        }

        var forOther = owner is { Length: > 0 } && owner != caller.Name;
        if (forOther && grants.Instance < Role.Admin)
        {
            throw new PermissionDeniedException($"only an instance admin creates tokens for another identity ({owner})", RoleBinding.Instance, "admin");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = $"{TokenPrefix}{id}_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '-')}";
        var now = clock.GetUtcNow();
        var token = new ApiToken(id, name.Trim(), forOther ? owner! : caller.Name, SHA256.HashData(Encoding.UTF8.GetBytes(secret)), now, ttl is { } life ? now + life : null, null, caller.Name);
        await store.InsertTokenAsync(token, cancellationToken);
        return (token, secret);
    }

    public Task<IReadOnlyList<ApiToken>> ListTokensAsync(Identity caller, Grants grants, CancellationToken cancellationToken = default) =>
        store.ListTokensAsync(grants.Instance >= Role.Admin ? null : caller.Name, cancellationToken);

    /// <exception cref="NotFoundException">No such token, or one the caller may not see.</exception>
    public async Task<ApiToken> RevokeTokenAsync(Identity caller, Grants grants, string id, CancellationToken cancellationToken = default)
    {
        var token = await store.GetTokenAsync(id ?? string.Empty, cancellationToken);
        if (token is null || (token.Owner != caller.Name && grants.Instance < Role.Admin))
        {
            throw new NotFoundException("token", id ?? string.Empty);
        }

        return await store.RevokeTokenAsync(token.Id, clock.GetUtcNow(), cancellationToken) ?? throw new NotFoundException("token", id!);
    }

    public async Task<RoleBinding> BindAsync(Identity caller, Grants grants, string org, SubjectKind kind, string subject, Role role, CancellationToken cancellationToken = default)
    {
        var violations = new List<FieldViolation>();
        if (org != RoleBinding.Instance && !Charts.ChartLoader.IsSlug(org))
        {
            violations.Add(new FieldViolation("org", "an org slug, or * for the instance"));
        }

        if (!Enum.IsDefined(kind))
        {
            violations.Add(new FieldViolation("subject_kind", "user, group or token"));
        }

        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 256 || subject.Any(char.IsControl))
        {
            violations.Add(new FieldViolation("subject", "1 to 256 characters, without control characters"));
        }

        if (role is not (Role.Viewer or Role.Operator or Role.Admin))
        {
            violations.Add(new FieldViolation("role", "viewer, operator or admin"));
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        RequireAdmin(grants, org);
        var binding = new RoleBinding(Guid.CreateVersion7().ToString("N"), org, kind, subject.Trim(), role, caller.Name, clock.GetUtcNow());
        await store.InsertBindingAsync(binding, cancellationToken);
        return binding;
    }

    public async Task UnbindAsync(Grants grants, string id, CancellationToken cancellationToken = default)
    {
        var binding = await store.GetBindingAsync(id ?? string.Empty, cancellationToken);
        if (binding is null || grants.In(binding.Org) == Role.None)
        {
            throw new NotFoundException("role binding", id ?? string.Empty);
        }

        RequireAdmin(grants, binding.Org);
        await store.DeleteBindingAsync(binding.Id, cancellationToken);
    }

    /// <summary>The bindings of the orgs the caller administers, configured ones included.</summary>
    public async Task<IReadOnlyList<RoleBinding>> ListBindingsAsync(Grants grants, string? org, CancellationToken cancellationToken = default) =>
        settings.ConfiguredBindings.Concat(await store.ListBindingsAsync(cancellationToken))
            .Where(b => (org is null || b.Org == org) && (grants.Instance >= Role.Admin || (b.Org != RoleBinding.Instance && grants.In(b.Org) >= Role.Admin)))
            .ToList();

    private static void RequireAdmin(Grants grants, string org)
    {
        var held = org == RoleBinding.Instance ? grants.Instance : grants.In(org);
        if (held < Role.Admin)
        {
            throw new PermissionDeniedException(org == RoleBinding.Instance ? "instance bindings need an instance admin" : $"bindings in org {org} need its admin", org, "admin");
        }
    }

    private static bool Matches(RoleBinding binding, Identity identity) => binding.SubjectKind switch
    {
        SubjectKind.User => binding.Subject == identity.Name && identity.Method != "anonymous",
        SubjectKind.Group => identity.Groups.Contains(binding.Subject),
        _ => identity.TokenId is not null && binding.Subject == identity.TokenId,
    };
}
