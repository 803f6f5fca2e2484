namespace InfraGrpc.Domain.Access;

/// <summary>What a subject may do in an org; each role includes the ones below it.</summary>
public enum Role
{
    None = 0,

    /// <summary>Read, list, watch, stream logs.</summary>
    Viewer = 1,

    /// <summary>Also create, update, roll back, run, cancel, approve and reject.</summary>
    Operator = 2,

    /// <summary>Also publish and delete charts, delete and purge projects, manage tokens and bindings.</summary>
    Admin = 3,
}

/// <summary>What a binding binds.</summary>
public enum SubjectKind
{
    User = 1,
    Group = 2,
    Token = 3,
}

/// <summary>A role given to a user, group or token in an org (<see cref="RoleBinding.Instance"/> for every org).</summary>
public sealed record RoleBinding(string Id, string Org, SubjectKind SubjectKind, string Subject, Role Role, string CreatedBy, DateTimeOffset CreatedAt)
{
    /// <summary>The org of instance-wide bindings.</summary>
    public const string Instance = "*";
}

/// <summary>An API token as stored: its secret only as a SHA-256 hash.</summary>
public sealed record ApiToken(
    string Id, string Name, string Owner, byte[] SecretHash, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, string CreatedBy);

/// <summary>Who is calling, as authentication established it.</summary>
/// <param name="Name">The actor recorded on everything the caller changes.</param>
/// <param name="Method"><c>token</c>, <c>configured-token</c>, <c>jwt</c>, <c>certificate</c> or <c>anonymous</c>.</param>
/// <param name="Groups">Groups the credential claims.</param>
/// <param name="TokenId">The API token used, if any.</param>
public sealed record Identity(string Name, string Method, IReadOnlyList<string> Groups, string? TokenId)
{
    public static Identity Anonymous { get; } = new("anonymous", "anonymous", [], null);
}

/// <summary>The roles an identity holds: per org, and instance-wide.</summary>
public sealed class Grants(IReadOnlyDictionary<string, Role> byOrg)
{
    /// <summary>Every role in every org: the open mode on loopback, where anonymous callers are the instance admin.</summary>
    public static Grants InstanceAdmin { get; } = new(new Dictionary<string, Role> { [RoleBinding.Instance] = Role.Admin });

    public IReadOnlyDictionary<string, Role> ByOrg { get; } = byOrg;

    public Role Instance => ByOrg.GetValueOrDefault(RoleBinding.Instance);

    /// <summary>The role in an org: the higher of the org's binding and the instance-wide one.</summary>
    public Role In(string org) => (Role)Math.Max((int)ByOrg.GetValueOrDefault(org), (int)Instance);

    /// <summary>Whether the caller holds <paramref name="role"/> in at least one org.</summary>
    public bool AnyOrg(Role role) => ByOrg.Values.Any(r => r >= role);

    /// <summary>The orgs the caller may see; null means every org.</summary>
    public IReadOnlySet<string>? VisibleOrgs => Instance >= Role.Viewer ? null : ByOrg.Where(kv => kv.Value >= Role.Viewer).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
}
