using InfraGrpc.Domain.Access;
using InfraGrpc.Domain.Values;
using InfraGrpc.Storage.LiteDb.Documents;
using LiteDB;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>API tokens (hashes only) and role bindings in LiteDB.</summary>
public sealed class LiteDbAccessStore(LiteDbStore store) : IAccessStore
{
    private ILiteCollection<AccessTokenDocument> Tokens => store.Database.GetCollection<AccessTokenDocument>(AccessTokenDocument.Collection);

    private ILiteCollection<RoleBindingDocument> Bindings => store.Database.GetCollection<RoleBindingDocument>(RoleBindingDocument.Collection);

    public Task InsertTokenAsync(ApiToken token, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() => Tokens.Insert(new AccessTokenDocument { Id = token.Id, Owner = token.Owner, Json = RecordJson.Serialize(token) }));
        return Task.CompletedTask;
    }

    public Task<ApiToken?> GetTokenAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Tokens.FindById(id) is { } document ? RecordJson.Deserialize<ApiToken>(document.Json) : null));

    public Task<IReadOnlyList<ApiToken>> ListTokensAsync(string? owner, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ApiToken>>(store.Read(() => (owner is null ? Tokens.FindAll() : Tokens.Find(t => t.Owner == owner))
            .Select(d => RecordJson.Deserialize<ApiToken>(d.Json)).OrderByDescending(t => t.CreatedAt).ToList()));

    public Task<ApiToken?> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ApiToken? result = null;
        store.InTransaction(() =>
        {
            if (Tokens.FindById(id) is not { } document)
            {
                return false;
            }

            result = RecordJson.Deserialize<ApiToken>(document.Json);
            if (result.RevokedAt is null)
            {
                result = result with { RevokedAt = at };
                document.Json = RecordJson.Serialize(result);
                Tokens.Update(document);
            }

            return true;
        });
        return Task.FromResult(result);
    }

    public Task InsertBindingAsync(RoleBinding binding, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() => Bindings.Insert(new RoleBindingDocument { Id = binding.Id, Json = RecordJson.Serialize(binding) }));
        return Task.CompletedTask;
    }

    public Task<bool> DeleteBindingAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.InTransaction(() => Bindings.Delete(id)));

    public Task<RoleBinding?> GetBindingAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Bindings.FindById(id) is { } document ? RecordJson.Deserialize<RoleBinding>(document.Json) : null));

    public Task<IReadOnlyList<RoleBinding>> ListBindingsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RoleBinding>>(store.Read(() => Bindings.FindAll().Select(d => RecordJson.Deserialize<RoleBinding>(d.Json)).ToList()));
}
