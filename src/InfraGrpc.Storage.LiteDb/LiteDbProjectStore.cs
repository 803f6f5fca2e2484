using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;
using InfraGrpc.Storage.LiteDb.Documents;
using LiteDB;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>
/// Projects in LiteDB: a small project document (indexed by <c>org/name</c>), revisions by
/// <c>projectId:number</c>, manifests and chart snapshots once per digest, resource records per project.
/// </summary>
public sealed class LiteDbProjectStore(LiteDbStore store) : IProjectStore
{
    public const string SnapshotCollection = "chart_snapshots";

    private ILiteCollection<ProjectDocument> Projects => store.Database.GetCollection<ProjectDocument>(ProjectDocument.Collection);

    private ILiteCollection<RevisionDocument> Revisions => store.Database.GetCollection<RevisionDocument>(RevisionDocument.Collection);

    private ILiteCollection<ManifestSetDocument> Manifests => store.Database.GetCollection<ManifestSetDocument>(ManifestSetDocument.Collection);

    private ILiteCollection<ChartVersionDocument> Snapshots => store.Database.GetCollection<ChartVersionDocument>(SnapshotCollection);

    private ILiteCollection<ResourceDocument> Resources => store.Database.GetCollection<ResourceDocument>(ResourceDocument.Collection);

    private ILiteCollection<CreateRequestDocument> Requests => store.Database.GetCollection<CreateRequestDocument>(CreateRequestDocument.Collection);

    public Task<(CreateOutcome Outcome, Project Project)> CreateAsync(
        Project project, ProjectRevision revision, ManifestSet manifests, ChartDefinition snapshot, string? requestId, CancellationToken cancellationToken = default) =>
        Create(
            project,
            requestId,
            () =>
            {
                Revisions.Insert(ToDocument(revision));
                PutManifests(manifests);
                PutSnapshot(snapshot);
            },
            cancellationToken);

    public Task<(CreateOutcome Outcome, Project Project)> CreateGitAsync(Project project, string? requestId, CancellationToken cancellationToken = default) =>
        Create(project, requestId, () => { }, cancellationToken);

    public Task<IReadOnlyList<Project>> FindByRepositoryAsync(string normalizedUrl, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Project>>(store.Read(() => Projects.Find(p => p.RepoUrl == normalizedUrl).Select(ToDomain).ToList()));

    public Task<Project?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Projects.FindById(id) is { } document ? ToDomain(document) : null));

    public Task<Project?> GetByNameAsync(string org, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Projects.FindOne(Query.EQ(nameof(ProjectDocument.OrgName), new BsonValue(org + "/" + name))) is { } document ? ToDomain(document) : null));

    public Task<int> CountOnChartVersionAsync(string chart, string version, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Projects.Find(p => p.ChartName == chart).Select(ToDomain).Count(p => p.Chart is { Inline: false } c && c.Version == version)));

    public Task<Page<Project>> ListAsync(ProjectFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrEmpty(filter.Text))
        {
            return Task.FromResult(ListByText(filter, page, cancellationToken));
        }

        using (store.Reading())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var query = Projects.Query().Where(Query.GT(nameof(ProjectDocument.ListOrder), new BsonValue(page.AfterKey ?? string.Empty)));
            if (!string.IsNullOrEmpty(filter.Org))
            {
                query = query.Where(Query.StartsWith("OrgName", filter.Org + "/"));
            }

            if (!string.IsNullOrEmpty(filter.Env))
            {
                query = query.Where(p => p.Env == filter.Env);
            }

            if (!string.IsNullOrEmpty(filter.Chart))
            {
                query = query.Where(p => p.ChartName == filter.Chart);
            }

            // Equality narrows through the label index; every requirement is then checked on the labels.
            foreach (var requirement in filter.Selector.Where(r => r.Operator == LabelOperator.Equals))
            {
                query = query.Where("$.LabelPairs[*] ANY = @0", new BsonValue($"{requirement.Key}={requirement.Values[0]}"));
            }

            // Org, then name: "acme" sorts before "acme-labs" (ListOrder separates them with a space).
            var items = query.OrderBy(p => p.ListOrder).ToEnumerable()
                .Select(d => (Document: d, Project: ToDomain(d)))
                .Where(x => (filter.VisibleOrgs is null || filter.VisibleOrgs.Contains(x.Project.Org)) && filter.Selector.All(r => r.Matches(x.Project.Labels)))
                .Take(page.Size + 1)
                .ToList();
            var next = items.Count > page.Size ? items[page.Size - 1].Document.ListOrder : null;
            return Task.FromResult(new Page<Project>(items.Take(page.Size).Select(x => x.Project).ToList(), next));
        }
    }

    /// <summary>
    /// A page of projects whose name contains the filter's text: candidates come from the trigram index in listing
    /// order, and each is read and checked against every filter, so the index never decides alone.
    /// </summary>
    private Page<Project> ListByText(ProjectFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        // Names are lower-case slugs, so lower-casing the needle makes the match case-insensitive.
        var needle = filter.Text!.ToLowerInvariant();
        var prefix = string.IsNullOrEmpty(filter.Org) ? null : ProjectDocument.ListOrderOf(filter.Org, string.Empty);
        using (store.Reading())
        {
            store.ProjectNames.EnsureBuilt(LoadNameEntries);
            var items = new List<(string ListOrder, Project Project)>();
            var after = page.AfterKey ?? string.Empty;
            while (items.Count <= page.Size)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var candidates = store.ProjectNames.Matches(needle, after, prefix, Math.Max(32, page.Size + 1 - items.Count));

                // One query for the batch (LiteDB plans each query anew), then the candidates in listing order.
                var documents = Projects.Find(Query.In(nameof(ProjectDocument.ListOrder), candidates.Select(c => new BsonValue(c))))
                    .ToDictionary(d => d.ListOrder, StringComparer.Ordinal);
                foreach (var candidate in candidates)
                {
                    if (documents.TryGetValue(candidate, out var document)
                        && (string.IsNullOrEmpty(filter.Env) || document.Env == filter.Env)
                        && (string.IsNullOrEmpty(filter.Chart) || document.ChartName == filter.Chart)
                        && ToDomain(document) is var project
                        && (filter.VisibleOrgs is null || filter.VisibleOrgs.Contains(project.Org))
                        && filter.Selector.All(r => r.Matches(project.Labels)))
                    {
                        items.Add((document.ListOrder, project));
                        if (items.Count > page.Size)
                        {
                            break;
                        }
                    }
                }

                if (candidates.Count == 0)
                {
                    break;
                }

                after = candidates[^1];
            }

            var next = items.Count > page.Size ? items[page.Size - 1].ListOrder : null;
            return new Page<Project>(items.Take(page.Size).Select(x => x.Project).ToList(), next);
        }
    }

    /// <summary>Every project's listing key, in order, read from the listing index's field without the documents' JSON.</summary>
    private IEnumerable<string> LoadNameEntries() =>
        store.Database.GetCollection(ProjectDocument.Collection)
            .Query()
            .OrderBy(nameof(ProjectDocument.ListOrder))
            .Select("$.ListOrder")
            .ToEnumerable()
            .Select(d => d["ListOrder"].AsString)
            .ToList();

    public Task<bool> AppendRevisionAsync(
        Project updated, int expectedRevision, ProjectRevision revision, ManifestSet manifests, ChartDefinition? snapshot, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var appended = store.InTransaction(() =>
        {
            var current = Projects.FindById(updated.Id);
            if (current is null || ToDomain(current).CurrentRevision != expectedRevision)
            {
                return false;
            }

            // Status and last pipeline belong to the engine; keep what is stored.
            var stored = ToDomain(current);
            Projects.Update(ToDocument(updated with { Status = stored.Status, LastPipelineId = stored.LastPipelineId }));
            Revisions.Insert(ToDocument(revision));
            PutManifests(manifests);
            if (snapshot is not null)
            {
                PutSnapshot(snapshot);
            }

            return true;
        });
        return Task.FromResult(appended);
    }

    public Task SaveAsync(Project project, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() => Projects.Update(ToDocument(project)));
        return Task.CompletedTask;
    }

    public Task SetStatusAsync(string projectId, ProjectStatus status, string? lastPipelineId, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() => Projects.FindById(projectId) is { } document
            && Projects.Update(ToDocument(ToDomain(document) with { Status = status, LastPipelineId = lastPipelineId ?? ToDomain(document).LastPipelineId })));
        return Task.CompletedTask;
    }

    public Task<ProjectRevision?> GetRevisionAsync(string projectId, int number, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Revisions.FindById(RevisionDocument.IdOf(projectId, number)) is { } document ? RecordJson.Deserialize<ProjectRevision>(document.Json) : null));

    public Task<Page<ProjectRevision>> ListRevisionsAsync(string projectId, PageRequest page, CancellationToken cancellationToken = default)
    {
        using (store.Reading())
        {
            // A key from another project's range is ignored: the page starts from the newest revision.
            var before = page.AfterKey is { } after && after.StartsWith(projectId + ":", StringComparison.Ordinal) ? after : RevisionDocument.IdOf(projectId, int.MaxValue);
            var items = Revisions.Query()
                .Where(Query.And(Query.LT("_id", new BsonValue(before)), Query.GT("_id", new BsonValue(projectId + ":"))))
                .OrderByDescending(r => r.Id)
                .Limit(page.Size + 1)
                .ToList();
            var next = items.Count > page.Size ? items[page.Size - 1].Id : null;
            return Task.FromResult(new Page<ProjectRevision>(items.Take(page.Size).Select(d => RecordJson.Deserialize<ProjectRevision>(d.Json)).ToList(), next));
        }
    }

    public Task SetRevisionPipelineAsync(string projectId, int number, string pipelineId, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() => Revisions.FindById(RevisionDocument.IdOf(projectId, number)) is { } document
            && Revisions.Update(ToDocument(RecordJson.Deserialize<ProjectRevision>(document.Json) with { PipelineId = pipelineId })));
        return Task.CompletedTask;
    }

    public Task<ManifestSet?> GetManifestsAsync(string digest, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Manifests.FindById(digest) is { } document ? RecordJson.Deserialize<ManifestSet>(document.Json) : null));

    public Task<ChartDefinition?> GetSnapshotAsync(string digest, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read(() => Snapshots.FindById(digest) is { } document ? ChartDocumentMapper.ToDomain(document).Chart : null));

    public Task<IReadOnlyList<ProjectResource>> ListResourcesAsync(string projectId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ProjectResource>>(store.Read(() => Resources.Find(r => r.ProjectId == projectId).Select(d => RecordJson.Deserialize<ProjectResource>(d.Json)).ToList()));

    public Task<IReadOnlyList<(Project Project, ProjectResource Resource)>> FindDeployedResourcesAsync(string org, ResourceKey key, string excludeProjectId, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.Read<IReadOnlyList<(Project, ProjectResource)>>(() =>
        {
            var orgKey = $"{org}/{key}";
            var deployed = nameof(ResourceState.Deployed);
            return Resources.Find(r => r.OrgKey == orgKey && r.State == deployed && r.ProjectId != excludeProjectId)
                .Select(d => RecordJson.Deserialize<ProjectResource>(d.Json))
                .Select(r => (Projects.FindById(r.ProjectId), r))
                .Where(x => x.Item1 is not null)
                .Select(x => (ToDomain(x.Item1!), x.r))
                .ToList();
        }));

    public Task DeleteAsync(ProjectDeletion deletion, CancellationToken cancellationToken = default)
    {
        store.InTransaction(() =>
        {
            Projects.Delete(deletion.ProjectId);
            Revisions.DeleteMany(Query.And(Query.GT("_id", new BsonValue(deletion.ProjectId + ":")), Query.LT("_id", new BsonValue(deletion.ProjectId + ";"))));
            Resources.DeleteMany(r => r.ProjectId == deletion.ProjectId);
            Requests.DeleteMany(r => r.ProjectId == deletion.ProjectId);
            store.Database.GetCollection<DeletionDocument>(DeletionDocument.Collection)
                .Insert(new DeletionDocument { Id = Guid.CreateVersion7().ToString("N"), Json = RecordJson.Serialize(deletion) });
            return true;
        });
        store.ProjectNames.Remove(ListOrderOf(deletion.QualifiedName));
        return Task.CompletedTask;
    }

    public Task<ForcedDeletion?> ForceDeleteAsync(string address, string actor, string reason, DateTimeOffset at, Func<string, bool> isBusy, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Only the index fields of the documents are read, never their JSON, which may be what is broken.
        var found = store.InTransaction(() =>
        {
            var document = Projects.FindById(address) ?? Projects.FindOne(p => p.OrgName == address);
            if (document is null)
            {
                return null;
            }

            if (isBusy(document.Id))
            {
                return new ForcedDeletion(document.Id, document.OrgName, 0, Busy: true);
            }

            var resources = Resources.Find(r => r.ProjectId == document.Id).Select(r => r.Id[(document.Id.Length + 1)..]).ToList();
            Projects.Delete(document.Id);
            Revisions.DeleteMany(Query.And(Query.GT("_id", new BsonValue(document.Id + ":")), Query.LT("_id", new BsonValue(document.Id + ";"))));
            Resources.DeleteMany(r => r.ProjectId == document.Id);
            Requests.DeleteMany(r => r.ProjectId == document.Id);
            store.Database.GetCollection<DeletionDocument>(DeletionDocument.Collection)
                .Insert(new DeletionDocument { Id = Guid.CreateVersion7().ToString("N"), Json = ForcedDeletionRecord.Json(document.Id, document.OrgName, actor, at, reason, resources) });
            return new ForcedDeletion(document.Id, document.OrgName, resources.Count);
        });
        if (found is { Busy: false } forced)
        {
            store.ProjectNames.Remove(ListOrderOf(forced.QualifiedName));
        }

        return Task.FromResult(found);
    }

    /// <summary>One transaction: a replayed request id returns the first project, a taken name is refused, otherwise the project and <paramref name="insertRest"/> are stored.</summary>
    private Task<(CreateOutcome Outcome, Project Project)> Create(Project project, string? requestId, Action insertRest, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = store.InTransaction(() =>
        {
            var requestKey = string.IsNullOrEmpty(requestId) ? null : project.Org + "\n" + requestId;
            if (requestKey is not null && Requests.FindById(requestKey) is { } seen && Projects.FindById(seen.ProjectId) is { } first)
            {
                return (CreateOutcome.Replayed, ToDomain(first));
            }

            if (Projects.FindOne(p => p.OrgName == project.QualifiedName) is { } taken)
            {
                return (CreateOutcome.NameTaken, ToDomain(taken));
            }

            Projects.Insert(ToDocument(project));
            insertRest();
            if (requestKey is not null)
            {
                Requests.Upsert(new CreateRequestDocument { Id = requestKey, ProjectId = project.Id });
            }

            return (CreateOutcome.Created, project);
        });

        // After the commit, before the caller hears of it: a text search that follows the create finds it.
        if (result.Item1 == CreateOutcome.Created)
        {
            store.ProjectNames.Add(ProjectDocument.ListOrderOf(project.Org, project.Name));
        }

        return Task.FromResult(result);
    }

    private void PutManifests(ManifestSet manifests)
    {
        if (Manifests.FindById(manifests.Digest) is null)
        {
            Manifests.Insert(new ManifestSetDocument { Id = manifests.Digest, Json = RecordJson.Serialize(manifests) });
        }
    }

    private void PutSnapshot(ChartDefinition chart)
    {
        if (Snapshots.FindById(chart.Digest) is null)
        {
            var document = ChartDocumentMapper.ToDocument(new ChartVersion(chart, DateTimeOffset.UnixEpoch, "snapshot", false));
            document.Id = chart.Digest;
            Snapshots.Insert(document);
        }
    }

    private static ProjectDocument ToDocument(Project project) => new()
    {
        Id = project.Id,
        OrgName = project.QualifiedName,
        ListOrder = ProjectDocument.ListOrderOf(project.Org, project.Name),
        Org = project.Org,
        Name = project.Name,
        Env = project.Env,
        Labels = project.Labels.ToDictionary(),
        LabelPairs = project.Labels.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
        ChartName = project.Chart?.Name ?? string.Empty,
        RepoUrl = project.Git is { } git ? GitUrls.Normalize(git.Url) : string.Empty,
        Json = RecordJson.Serialize(project),
    };

    /// <summary>The listing key of <c>org/name</c> (an org holds no '/').</summary>
    private static string ListOrderOf(string qualifiedName) =>
        qualifiedName.IndexOf('/') is var slash and >= 0 ? ProjectDocument.ListOrderOf(qualifiedName[..slash], qualifiedName[(slash + 1)..]) : qualifiedName;

    private static Project ToDomain(ProjectDocument document) => RecordJson.Deserialize<Project>(document.Json);

    private static RevisionDocument ToDocument(ProjectRevision revision) => new()
    {
        Id = RevisionDocument.IdOf(revision.ProjectId, revision.Number),
        ProjectId = revision.ProjectId,
        Number = revision.Number,
        Json = RecordJson.Serialize(revision),
    };
}
