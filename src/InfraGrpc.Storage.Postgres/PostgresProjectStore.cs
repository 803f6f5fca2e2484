using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;
using Npgsql;

namespace InfraGrpc.Storage.Postgres;

/// <summary>
/// Projects in PostgreSQL. The revision compare-and-set is the database's: an append locks the project's row
/// (<c>FOR UPDATE</c>), checks its current revision and writes the next one in the same transaction, so two
/// replicas appending to one project take turns and the second finds that it moved on.
/// </summary>
public sealed class PostgresProjectStore(PostgresStore store) : IProjectStore
{
    private const int ListBatch = 200;

    public Task<(CreateOutcome Outcome, Project Project)> CreateAsync(
        Project project, ProjectRevision revision, ManifestSet manifests, ChartDefinition snapshot, string? requestId, CancellationToken cancellationToken = default) =>
        CreateCore(
            project,
            requestId,
            async (connection, transaction) =>
            {
                await InsertRevisionAsync(connection, transaction, revision, cancellationToken);
                await PutManifestsAsync(connection, transaction, manifests, cancellationToken);
                await PutSnapshotAsync(connection, transaction, snapshot, cancellationToken);
            },
            cancellationToken);

    public Task<(CreateOutcome Outcome, Project Project)> CreateGitAsync(Project project, string? requestId, CancellationToken cancellationToken = default) =>
        CreateCore(project, requestId, (_, _) => Task.CompletedTask, cancellationToken);

    public async Task<IReadOnlyList<Project>> FindByRepositoryAsync(string normalizedUrl, CancellationToken cancellationToken = default) =>
        await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM projects WHERE repo_url = $1 AND repo_url <> '' ORDER BY org, name", normalizedUrl), ReadProject, cancellationToken);

    public async Task<Project?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM projects WHERE id = $1", id), ReadProject, cancellationToken)).SingleOrDefault();

    public async Task<int> CountOnChartVersionAsync(string chart, string version, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM projects WHERE chart_name = $1", chart), ReadProject, cancellationToken))
            .Count(p => p.Chart is { Inline: false } c && c.Version == version);

    public async Task<Project?> GetByNameAsync(string org, string name, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM projects WHERE org = $1 AND name = $2", org, name), ReadProject, cancellationToken)).SingleOrDefault();

    public async Task<Page<Project>> ListAsync(ProjectFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        // Org, then name (the page key is "org name", as the embedded store writes it). The database narrows by
        // org, env, chart, equality labels and text; every label requirement is then checked here, batch by batch.
        var (afterOrg, afterName) = page.AfterKey is { } key && key.IndexOf(' ') is var space and >= 0 ? (key[..space], key[(space + 1)..]) : (string.Empty, string.Empty);
        var equalities = filter.Selector.Where(r => r.Operator == LabelOperator.Equals).Select(r => $"{r.Key}={r.Values[0]}").ToArray();
        var needle = string.IsNullOrEmpty(filter.Text) ? null : "%" + EscapeLike(filter.Text.ToLowerInvariant()) + "%";
        var items = new List<Project>();
        while (items.Count <= page.Size)
        {
            var batch = await Sql.ListAsync(
                Sql.Command(
                    store.DataSource,
                    """
                    SELECT record FROM projects
                    WHERE (org, name) > ($1, $2)
                      AND ($3::text IS NULL OR org = $3)
                      AND ($4::text IS NULL OR env = $4)
                      AND ($5::text IS NULL OR chart_name = $5)
                      AND label_pairs @> $6::text[]
                      AND ($7::text IS NULL OR name LIKE $7)
                      AND ($8::text[] IS NULL OR org = ANY($8))
                    ORDER BY org, name
                    LIMIT $9
                    """,
                    afterOrg,
                    afterName,
                    NullIfEmpty(filter.Org),
                    NullIfEmpty(filter.Env),
                    NullIfEmpty(filter.Chart),
                    equalities,
                    needle,
                    filter.VisibleOrgs?.ToArray(),
                    ListBatch),
                ReadProject,
                cancellationToken);
            items.AddRange(batch.Where(p => filter.Selector.All(r => r.Matches(p.Labels))));
            if (batch.Count < ListBatch)
            {
                break;
            }

            (afterOrg, afterName) = (batch[^1].Org, batch[^1].Name);
        }

        var next = items.Count > page.Size ? $"{items[page.Size - 1].Org} {items[page.Size - 1].Name}" : null;
        return new Page<Project>(items.Take(page.Size).ToList(), next);
    }

    public Task<bool> AppendRevisionAsync(
        Project updated, int expectedRevision, ProjectRevision revision, ManifestSet manifests, ChartDefinition? snapshot, CancellationToken cancellationToken = default) =>
        store.InTransactionIfAsync(
            async (connection, transaction) =>
            {
                var stored = await LockAsync(connection, transaction, updated.Id, cancellationToken);
                if (stored is null || stored.CurrentRevision != expectedRevision)
                {
                    return false;
                }

                // Status and last pipeline belong to the engine; keep what is stored.
                await UpdateAsync(connection, transaction, updated with { Status = stored.Status, LastPipelineId = stored.LastPipelineId }, cancellationToken);
                await InsertRevisionAsync(connection, transaction, revision, cancellationToken);
                await PutManifestsAsync(connection, transaction, manifests, cancellationToken);
                if (snapshot is not null)
                {
                    await PutSnapshotAsync(connection, transaction, snapshot, cancellationToken);
                }

                return true;
            },
            cancellationToken);

    public Task SaveAsync(Project project, CancellationToken cancellationToken = default) =>
        store.InTransactionAsync(
            async (connection, transaction) =>
            {
                await UpdateAsync(connection, transaction, project, cancellationToken);
                return true;
            },
            cancellationToken);

    public Task SetStatusAsync(string projectId, ProjectStatus status, string? lastPipelineId, CancellationToken cancellationToken = default) =>
        store.InTransactionAsync(
            async (connection, transaction) =>
            {
                if (await LockAsync(connection, transaction, projectId, cancellationToken) is { } stored)
                {
                    await UpdateAsync(connection, transaction, stored with { Status = status, LastPipelineId = lastPipelineId ?? stored.LastPipelineId }, cancellationToken);
                }

                return true;
            },
            cancellationToken);

    public async Task<ProjectRevision?> GetRevisionAsync(string projectId, int number, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(
            Sql.Command(store.DataSource, "SELECT record FROM project_revisions WHERE project_id = $1 AND number = $2", projectId, number),
            r => RecordJson.Deserialize<ProjectRevision>(r.GetString(0)),
            cancellationToken)).SingleOrDefault();

    public async Task<Page<ProjectRevision>> ListRevisionsAsync(string projectId, PageRequest page, CancellationToken cancellationToken = default)
    {
        // A key from another project's range is ignored: the page starts from the newest revision.
        var before = page.AfterKey is { } after && after.StartsWith(projectId + ":", StringComparison.Ordinal) && int.TryParse(after[(projectId.Length + 1)..], out var number) ? number : int.MaxValue;
        var items = await Sql.ListAsync(
            Sql.Command(store.DataSource, "SELECT record FROM project_revisions WHERE project_id = $1 AND number < $2 ORDER BY number DESC LIMIT $3", projectId, before, page.Size + 1),
            r => RecordJson.Deserialize<ProjectRevision>(r.GetString(0)),
            cancellationToken);
        var next = items.Count > page.Size ? $"{projectId}:{items[page.Size - 1].Number:D10}" : null;
        return new Page<ProjectRevision>(items.Take(page.Size).ToList(), next);
    }

    public Task SetRevisionPipelineAsync(string projectId, int number, string pipelineId, CancellationToken cancellationToken = default) =>
        store.InTransactionAsync(
            async (connection, transaction) =>
            {
                var revision = (await Sql.ListAsync(
                    Sql.Command(connection, transaction, "SELECT record FROM project_revisions WHERE project_id = $1 AND number = $2 FOR UPDATE", projectId, number),
                    r => RecordJson.Deserialize<ProjectRevision>(r.GetString(0)),
                    cancellationToken)).SingleOrDefault();
                return revision is not null && await Sql.ExecuteAsync(
                    Sql.Command(connection, transaction, "UPDATE project_revisions SET record = $3 WHERE project_id = $1 AND number = $2", projectId, number, RecordJson.Serialize(revision with { PipelineId = pipelineId })),
                    cancellationToken) > 0;
            },
            cancellationToken);

    public async Task<ManifestSet?> GetManifestsAsync(string digest, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM manifest_sets WHERE digest = $1", digest), r => RecordJson.Deserialize<ManifestSet>(r.GetString(0)), cancellationToken)).SingleOrDefault();

    public async Task<ChartDefinition?> GetSnapshotAsync(string digest, CancellationToken cancellationToken = default) =>
        (await Sql.ListAsync(Sql.Command(store.DataSource, "SELECT record FROM chart_snapshots WHERE digest = $1", digest), r => ChartSnapshotJson.Deserialize(r.GetString(0)), cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<ProjectResource>> ListResourcesAsync(string projectId, CancellationToken cancellationToken = default) =>
        await Sql.ListAsync(
            Sql.Command(store.DataSource, "SELECT record FROM project_resources WHERE project_id = $1 ORDER BY key", projectId),
            r => RecordJson.Deserialize<ProjectResource>(r.GetString(0)),
            cancellationToken);

    public async Task<IReadOnlyList<(Project Project, ProjectResource Resource)>> FindDeployedResourcesAsync(string org, ResourceKey key, string excludeProjectId, CancellationToken cancellationToken = default) =>
        await Sql.ListAsync(
            Sql.Command(
                store.DataSource,
                """
                SELECT p.record, r.record FROM project_resources r JOIN projects p ON p.id = r.project_id
                WHERE r.org_key = $1 AND r.state = $2 AND r.project_id <> $3
                ORDER BY p.org, p.name
                """,
                $"{org}/{key}",
                nameof(ResourceState.Deployed),
                excludeProjectId),
            r => (RecordJson.Deserialize<Project>(r.GetString(0)), RecordJson.Deserialize<ProjectResource>(r.GetString(1))),
            cancellationToken);

    public Task DeleteAsync(ProjectDeletion deletion, CancellationToken cancellationToken = default) =>
        store.InTransactionAsync(
            async (connection, transaction) =>
            {
                await DeleteRecordsAsync(connection, transaction, deletion.ProjectId, cancellationToken);
                await InsertDeletionAsync(connection, transaction, RecordJson.Serialize(deletion), cancellationToken);
                return true;
            },
            cancellationToken);

    public Task<ForcedDeletion?> ForceDeleteAsync(string address, string actor, string reason, DateTimeOffset at, Func<string, bool> isBusy, CancellationToken cancellationToken = default) =>
        store.InTransactionAsync<ForcedDeletion?>(
            async (connection, transaction) =>
            {
                // Only the key columns are read, never the record, which may be what is broken.
                var slash = address.IndexOf('/');
                var found = (await Sql.ListAsync(
                    Sql.Command(connection, transaction, "SELECT id, org, name FROM projects WHERE id = $1 OR (org = $2 AND name = $3) FOR UPDATE", address, slash < 0 ? null : address[..slash], slash < 0 ? null : address[(slash + 1)..]),
                    r => (Id: r.GetString(0), QualifiedName: r.GetString(1) + "/" + r.GetString(2)),
                    cancellationToken)).FirstOrDefault();
                if (found.Id is null)
                {
                    return null;
                }

                if (isBusy(found.Id))
                {
                    return new ForcedDeletion(found.Id, found.QualifiedName, 0, Busy: true);
                }

                var resources = await Sql.ListAsync(Sql.Command(connection, transaction, "SELECT key FROM project_resources WHERE project_id = $1 ORDER BY key", found.Id), r => r.GetString(0), cancellationToken);
                await DeleteRecordsAsync(connection, transaction, found.Id, cancellationToken);
                await InsertDeletionAsync(connection, transaction, ForcedDeletionRecord.Json(found.Id, found.QualifiedName, actor, at, reason, resources), cancellationToken);
                return new ForcedDeletion(found.Id, found.QualifiedName, resources.Count);
            },
            cancellationToken);

    /// <summary>Writes a resource record inside a pipeline batch's transaction, beside the event that reports it.</summary>
    internal static async Task UpsertResourceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ProjectResource resource, CancellationToken cancellationToken) =>
        await Sql.ExecuteAsync(
            Sql.Command(
                connection,
                transaction,
                """
                INSERT INTO project_resources (project_id, key, org_key, state, record)
                SELECT $1, $2, coalesce((SELECT org FROM projects WHERE id = $1) || '/' || $2, ''), $3, $4
                ON CONFLICT (project_id, key) DO UPDATE SET org_key = excluded.org_key, state = excluded.state, record = excluded.record
                """,
                resource.ProjectId,
                resource.Key.ToString(),
                resource.State.ToString(),
                RecordJson.Serialize(resource)),
            cancellationToken);

    /// <summary>One transaction: a replayed request id returns the first project, a taken name is refused, otherwise the project and the rest are stored.</summary>
    private Task<(CreateOutcome Outcome, Project Project)> CreateCore(Project project, string? requestId, Func<NpgsqlConnection, NpgsqlTransaction, Task> insertRest, CancellationToken cancellationToken) =>
        store.InTransactionAsync(
            async (connection, transaction) =>
            {
                var requestKey = string.IsNullOrEmpty(requestId) ? null : project.Org + "\n" + requestId;
                if (requestKey is not null)
                {
                    // Two replicas serving the same request id take turns, so the second replays the first.
                    await Sql.ExecuteAsync(Sql.Command(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended('create:' || $1, 0))", requestKey), cancellationToken);
                    var first = (await Sql.ListAsync(
                        Sql.Command(connection, transaction, "SELECT p.record FROM create_requests c JOIN projects p ON p.id = c.project_id WHERE c.id = $1", requestKey),
                        ReadProject,
                        cancellationToken)).SingleOrDefault();
                    if (first is not null)
                    {
                        return (CreateOutcome.Replayed, first);
                    }
                }

                var inserted = await Sql.ExecuteAsync(Sql.Command(connection, transaction, $"INSERT INTO projects ({ProjectColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (org, name) DO NOTHING", ProjectValues(project)), cancellationToken);
                if (inserted == 0)
                {
                    var taken = (await Sql.ListAsync(Sql.Command(connection, transaction, "SELECT record FROM projects WHERE org = $1 AND name = $2", project.Org, project.Name), ReadProject, cancellationToken)).Single();
                    return (CreateOutcome.NameTaken, taken);
                }

                await insertRest(connection, transaction);
                if (requestKey is not null)
                {
                    await Sql.ExecuteAsync(
                        Sql.Command(connection, transaction, "INSERT INTO create_requests (id, project_id) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET project_id = excluded.project_id", requestKey, project.Id),
                        cancellationToken);
                }

                return (CreateOutcome.Created, project);
            },
            cancellationToken);

    private const string ProjectColumns = "id, org, name, env, chart_name, repo_url, label_pairs, current_revision, record";

    private static object?[] ProjectValues(Project project) =>
    [
        project.Id,
        project.Org,
        project.Name,
        project.Env,
        project.Chart?.Name ?? string.Empty,
        project.Git is { } git ? GitUrls.Normalize(git.Url) : string.Empty,
        project.Labels.Select(kv => $"{kv.Key}={kv.Value}").ToArray(),
        project.CurrentRevision,
        RecordJson.Serialize(project),
    ];

    private static async Task<Project?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string id, CancellationToken cancellationToken) =>
        (await Sql.ListAsync(Sql.Command(connection, transaction, "SELECT record FROM projects WHERE id = $1 FOR UPDATE", id), ReadProject, cancellationToken)).SingleOrDefault();

    private static Task<int> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Project project, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(
            Sql.Command(connection, transaction, "UPDATE projects SET org = $2, name = $3, env = $4, chart_name = $5, repo_url = $6, label_pairs = $7, current_revision = $8, record = $9 WHERE id = $1", ProjectValues(project)),
            cancellationToken);

    private static Task<int> InsertRevisionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ProjectRevision revision, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(
            Sql.Command(connection, transaction, "INSERT INTO project_revisions (project_id, number, record) VALUES ($1, $2, $3)", revision.ProjectId, revision.Number, RecordJson.Serialize(revision)),
            cancellationToken);

    private static Task<int> PutManifestsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ManifestSet manifests, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(
            Sql.Command(connection, transaction, "INSERT INTO manifest_sets (digest, record) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING", manifests.Digest, RecordJson.Serialize(manifests)),
            cancellationToken);

    private static Task<int> PutSnapshotAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ChartDefinition chart, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(
            Sql.Command(connection, transaction, "INSERT INTO chart_snapshots (digest, record) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING", chart.Digest, ChartSnapshotJson.Serialize(chart)),
            cancellationToken);

    private static async Task DeleteRecordsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string projectId, CancellationToken cancellationToken)
    {
        foreach (var table in new[] { "projects WHERE id", "project_revisions WHERE project_id", "project_resources WHERE project_id", "create_requests WHERE project_id" })
        {
            await Sql.ExecuteAsync(Sql.Command(connection, transaction, $"DELETE FROM {table} = $1", projectId), cancellationToken);
        }
    }

    private static Task<int> InsertDeletionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string record, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(Sql.Command(connection, transaction, "INSERT INTO project_deletions (id, record) VALUES ($1, $2)", Guid.CreateVersion7().ToString("N"), record), cancellationToken);

    private static Project ReadProject(NpgsqlDataReader reader) => RecordJson.Deserialize<Project>(reader.GetString(0));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
