namespace InfraGrpc.Domain.Access;

/// <summary>The storage port of API tokens and role bindings.</summary>
public interface IAccessStore
{
    Task InsertTokenAsync(ApiToken token, CancellationToken cancellationToken = default);

    Task<ApiToken?> GetTokenAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Tokens newest first; of one owner when <paramref name="owner"/> is set.</summary>
    Task<IReadOnlyList<ApiToken>> ListTokensAsync(string? owner, CancellationToken cancellationToken = default);

    /// <summary>Sets the revoke time if the token is not revoked yet; returns the token as stored, or null when there is none.</summary>
    Task<ApiToken?> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task InsertBindingAsync(RoleBinding binding, CancellationToken cancellationToken = default);

    Task<bool> DeleteBindingAsync(string id, CancellationToken cancellationToken = default);

    Task<RoleBinding?> GetBindingAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<RoleBinding>> ListBindingsAsync(CancellationToken cancellationToken = default);
}
