using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Paging;
using Npgsql;

namespace InfraGrpc.Storage.Postgres;

/// <summary>
/// The chart catalog in PostgreSQL: versions with their files, and one head row per chart naming its latest
/// version (by SemVer, which SQL cannot order), kept in the same transaction as each publish and delete.
/// </summary>
public sealed class PostgresChartStore(PostgresStore store) : IChartStore
{
    private const string VersionColumns = "name, version, digest, display_name, description, icon_url, format, parameters_json, readme, published_at, published_by, built_in";

    public Task<(PublishOutcome Outcome, ChartVersion Stored)> PublishAsync(ChartVersion version, CancellationToken cancellationToken = default)
    {
        var chart = version.Chart;
        return store.InTransactionAsync(
            async (connection, transaction) =>
            {
                // Two publishers of one name and version: the second waits on the first's row, then finds it.
                var inserted = await Sql.ExecuteAsync(
                    Sql.Command(
                        connection,
                        transaction,
                        $"INSERT INTO chart_versions ({VersionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (name, version) DO NOTHING",
                        chart.Name,
                        chart.Version,
                        chart.Digest,
                        chart.DisplayName,
                        chart.Description,
                        chart.IconUrl,
                        chart.Format.ToString(),
                        ChartParameterJson.Serialize(chart.Parameters),
                        chart.Readme,
                        version.PublishedAt.ToUniversalTime(),
                        version.PublishedBy,
                        version.BuiltIn),
                    cancellationToken);
                if (inserted == 0)
                {
                    var existing = (await ReadAsync(connection, transaction, chart.Name, chart.Version, cancellationToken))!;
                    return (existing.Chart.Digest == chart.Digest ? PublishOutcome.AlreadyPublished : PublishOutcome.Conflict, existing);
                }

                for (var i = 0; i < chart.Files.Count; i++)
                {
                    await Sql.ExecuteAsync(
                        Sql.Command(connection, transaction, "INSERT INTO chart_files (name, version, ordinal, path, content) VALUES ($1, $2, $3, $4, $5)", chart.Name, chart.Version, i, chart.Files[i].Path, chart.Files[i].Content),
                        cancellationToken);
                }

                await UpdateHeadAsync(connection, transaction, chart.Name, cancellationToken);
                return (PublishOutcome.Published, version);
            },
            cancellationToken);
    }

    public async Task<ChartVersion?> GetAsync(string name, string? version, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        version ??= (await Sql.ListAsync(Sql.Command(connection, transaction, "SELECT latest_version FROM chart_heads WHERE name = $1", name), r => r.GetString(0), cancellationToken)).SingleOrDefault();
        return version is null ? null : await ReadAsync(connection, transaction, name, version, cancellationToken);
    }

    public async Task<Page<ChartVersionSummary>> ListLatestAsync(string? filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        var rows = await Sql.ListAsync(
            Sql.Command(
                store.DataSource,
                """
                SELECT v.name, v.version, v.display_name, v.description, v.digest, v.published_at, v.built_in
                FROM chart_heads h JOIN chart_versions v ON v.name = h.name AND v.version = h.latest_version
                WHERE h.name > $1 AND ($2::text IS NULL OR strpos(h.search_text, $2) > 0)
                ORDER BY h.name
                LIMIT $3
                """,
                page.AfterKey ?? string.Empty,
                filter?.ToLowerInvariant(),
                page.Size + 1),
            ToSummary,
            cancellationToken);
        return ToPage(rows, page.Size, s => s.Name);
    }

    public async Task<Page<ChartVersionSummary>> ListVersionsAsync(string name, PageRequest page, CancellationToken cancellationToken = default)
    {
        // A chart has few versions; they are read without files and ordered by SemVer here.
        var all = (await Sql.ListAsync(
                Sql.Command(store.DataSource, "SELECT name, version, display_name, description, digest, published_at, built_in FROM chart_versions WHERE name = $1", name),
                ToSummary,
                cancellationToken))
            .OrderByDescending(s => s.Version, Comparer<string>.Create(SemVerOrder.Compare))
            .ToList();
        var start = page.AfterKey is { } after ? all.FindIndex(s => s.Version == after) + 1 : 0;
        return ToPage(all.Skip(start).Take(page.Size + 1).ToList(), page.Size, s => s.Version);
    }

    public Task<bool> DeleteVersionAsync(string name, string version, CancellationToken cancellationToken = default) =>
        store.InTransactionAsync(
            async (connection, transaction) =>
            {
                if (await Sql.ExecuteAsync(Sql.Command(connection, transaction, "DELETE FROM chart_versions WHERE name = $1 AND version = $2", name, version), cancellationToken) == 0)
                {
                    return false;
                }

                await UpdateHeadAsync(connection, transaction, name, cancellationToken);
                return true;
            },
            cancellationToken);

    /// <summary>Points the chart's head at its latest version, or removes it when none is left. Locks the head row first, so publishes of one chart take turns.</summary>
    private static async Task UpdateHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await Sql.ExecuteAsync(Sql.Command(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended('chart:' || $1, 0))", name), cancellationToken);
        var versions = await Sql.ListAsync(
            Sql.Command(connection, transaction, "SELECT version, display_name, description FROM chart_versions WHERE name = $1", name),
            r => (Version: r.GetString(0), DisplayName: r.GetString(1), Description: r.Nullable<string>(2)),
            cancellationToken);
        if (versions.Count == 0)
        {
            await Sql.ExecuteAsync(Sql.Command(connection, transaction, "DELETE FROM chart_heads WHERE name = $1", name), cancellationToken);
            return;
        }

        var latest = versions.OrderByDescending(v => v.Version, Comparer<string>.Create(SemVerOrder.CompareForLatest)).First();
        await Sql.ExecuteAsync(
            Sql.Command(
                connection,
                transaction,
                "INSERT INTO chart_heads (name, latest_version, search_text) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET latest_version = $2, search_text = $3",
                name,
                latest.Version,
                $"{name}\n{latest.DisplayName}\n{latest.Description}".ToLowerInvariant()),
            cancellationToken);
    }

    private static async Task<ChartVersion?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, string version, CancellationToken cancellationToken)
    {
        var files = await Sql.ListAsync(
            Sql.Command(connection, transaction, "SELECT path, content FROM chart_files WHERE name = $1 AND version = $2 ORDER BY ordinal", name, version),
            r => new ChartFile(r.GetString(0), r.GetFieldValue<byte[]>(1)),
            cancellationToken);
        var found = await Sql.ListAsync(
            Sql.Command(connection, transaction, $"SELECT {VersionColumns} FROM chart_versions WHERE name = $1 AND version = $2", name, version),
            r => new ChartVersion(
                new ChartDefinition(
                    r.GetString(0),
                    r.GetString(1),
                    r.GetString(3),
                    r.Nullable<string>(4),
                    r.Nullable<string>(5),
                    Enum.Parse<ChartFormat>(r.GetString(6)),
                    ChartParameterJson.Deserialize(r.GetString(7)),
                    r.Nullable<string>(8),
                    files,
                    r.GetString(2)),
                r.GetFieldValue<DateTimeOffset>(9),
                r.GetString(10),
                r.GetBoolean(11)),
            cancellationToken);
        return found.SingleOrDefault();
    }

    private static ChartVersionSummary ToSummary(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.Nullable<string>(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5), r.GetBoolean(6));

    private static Page<T> ToPage<T>(List<T> items, int size, Func<T, string> key)
    {
        if (items.Count <= size)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, key(items[^1]));
    }
}
