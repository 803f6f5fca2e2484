using InfraGrpc.Domain.Access;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Storage.Postgres;

/// <summary>API tokens (hashes only) and role bindings in PostgreSQL.</summary>
public sealed class PostgresAccessStore(PostgresStore store) : IAccessStore
{
    public async Task InsertTokenAsync(ApiToken token, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(
            Sql.Command(store.DataSource, "INSERT INTO access_tokens (id, owner, created_at, record) VALUES ($1, $2, $3, $4)", token.Id, token.Owner, token.CreatedAt.ToUniversalTime(), RecordJson.Serialize(token)),
            cancellationToken);

    public async Task<ApiToken?> GetTokenAsync(string id, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM access_tokens WHERE id = $1", id), r => RecordJson.Deserialize<ApiToken>(r.GetString(0)), cancellationToken))
            .SingleOrDefault();

    public async Task<IReadOnlyList<ApiToken>> ListTokensAsync(string? owner, CancellationToken cancellationToken = default) =>
        await Sql.ListAsync(
            Sql.Command(store.DataSource, "SELECT record FROM access_tokens WHERE $1::text IS NULL OR owner = $1 ORDER BY created_at DESC, id DESC", owner),
            r => RecordJson.Deserialize<ApiToken>(r.GetString(0)),
            cancellationToken);

    public Task<ApiToken?> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        store.InTransactionAsync<ApiToken?>(
            async (connection, transaction) =>
            {
                var stored = (await Sql.ListAsync(Sql.Command(connection, transaction, "SELECT record FROM access_tokens WHERE id = $1 FOR UPDATE", id), r => RecordJson.Deserialize<ApiToken>(r.GetString(0)), cancellationToken))
                    .SingleOrDefault();
                if (stored is null || stored.RevokedAt is not null)
                {
                    return stored;
                }

                var revoked = stored with { RevokedAt = at };
                await Sql.ExecuteAsync(Sql.Command(connection, transaction, "UPDATE access_tokens SET record = $2 WHERE id = $1", id, RecordJson.Serialize(revoked)), cancellationToken);
                return revoked;
            },
            cancellationToken);

    public async Task InsertBindingAsync(RoleBinding binding, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(Sql.Command(store.DataSource, "INSERT INTO role_bindings (id, record) VALUES ($1, $2)", binding.Id, RecordJson.Serialize(binding)), cancellationToken);

    public async Task<bool> DeleteBindingAsync(string id, CancellationToken cancellationToken = default) =>
        await Sql.ExecuteAsync(Sql.Command(store.DataSource, "DELETE FROM role_bindings WHERE id = $1", id), cancellationToken) > 0;

    public async Task<RoleBinding?> GetBindingAsync(string id, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM role_bindings WHERE id = $1", id), r => RecordJson.Deserialize<RoleBinding>(r.GetString(0)), cancellationToken))
            .SingleOrDefault();

    public async Task<IReadOnlyList<RoleBinding>> ListBindingsAsync(CancellationToken cancellationToken = default) =>
        await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM role_bindings ORDER BY id"), r => RecordJson.Deserialize<RoleBinding>(r.GetString(0)), cancellationToken);
}
