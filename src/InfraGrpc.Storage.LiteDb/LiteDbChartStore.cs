using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Storage.LiteDb.Documents;
using LiteDB;

namespace InfraGrpc.Storage.LiteDb;

/// <summary>The chart catalog in LiteDB: versions by <c>name@version</c>, plus one head document per chart for listing.</summary>
public sealed class LiteDbChartStore(LiteDbStore store) : IChartStore
{
    private ILiteCollection<ChartVersionDocument> Versions => store.Database.GetCollection<ChartVersionDocument>(ChartVersionDocument.Collection);

    private ILiteCollection<ChartHeadDocument> Heads => store.Database.GetCollection<ChartHeadDocument>(ChartHeadDocument.Collection);

    public Task<(PublishOutcome Outcome, ChartVersion Stored)> PublishAsync(ChartVersion version, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var document = ChartDocumentMapper.ToDocument(version);
        var result = store.InTransaction(() =>
        {
            var existing = Versions.FindById(document.Id);
            if (existing is not null)
            {
                return (existing.Digest == document.Digest ? PublishOutcome.AlreadyPublished : PublishOutcome.Conflict, ChartDocumentMapper.ToDomain(existing));
            }

            Versions.Insert(document);
            var head = Heads.FindById(document.Name);
            if (head is null || SemVerOrder.CompareForLatest(document.Version, head.LatestVersion) > 0)
            {
                Heads.Upsert(ChartDocumentMapper.ToHead(document));
            }

            return (PublishOutcome.Published, version);
        });
        return Task.FromResult(result);
    }

    public Task<ChartVersion?> GetAsync(string name, string? version, CancellationToken cancellationToken = default)
    {
        using (store.Reading())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = version is null ? Heads.FindById(name) is { } head ? ChartDocumentMapper.Id(name, head.LatestVersion) : null : ChartDocumentMapper.Id(name, version);
            var document = id is null ? null : Versions.FindById(id);
            return Task.FromResult(document is null ? null : ChartDocumentMapper.ToDomain(document));
        }
    }

    public Task<Page<ChartVersionSummary>> ListLatestAsync(string? filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        using (store.Reading())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var after = page.AfterKey ?? string.Empty;
            var needle = filter?.ToLowerInvariant();
            var query = Heads.Query().Where(Query.GT("_id", new BsonValue(after)));
            if (needle is not null)
            {
                query = query.Where(h => h.SearchText.Contains(needle));
            }

            var items = query.OrderBy(h => h.Id).Limit(page.Size + 1).ToList();
            return Task.FromResult(ToPage(items.Select(ChartDocumentMapper.ToSummary).ToList(), page.Size, s => s.Name));
        }
    }

    public Task<Page<ChartVersionSummary>> ListVersionsAsync(string name, PageRequest page, CancellationToken cancellationToken = default)
    {
        using (store.Reading())
        {
            cancellationToken.ThrowIfCancellationRequested();

            // A chart has few versions; they are read by the name index (without files) and ordered by SemVer here.
            var all = Versions.Query().Where(d => d.Name == name)
                .Select(d => new ChartVersionDocument
                {
                    Id = d.Id,
                    Name = d.Name,
                    Version = d.Version,
                    DisplayName = d.DisplayName,
                    Description = d.Description,
                    Digest = d.Digest,
                    PublishedAtUnixMs = d.PublishedAtUnixMs,
                    BuiltIn = d.BuiltIn,
                })
                .ToList()
                .Select(ChartDocumentMapper.ToSummary)
                .OrderByDescending(s => s.Version, Comparer<string>.Create(SemVerOrder.Compare))
                .ToList();
            var start = page.AfterKey is { } after ? all.FindIndex(s => s.Version == after) + 1 : 0;
            return Task.FromResult(ToPage(all.Skip(start).Take(page.Size + 1).ToList(), page.Size, s => s.Version));
        }
    }

    public Task<bool> DeleteVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deleted = store.InTransaction(() =>
        {
            if (!Versions.Delete(ChartDocumentMapper.Id(name, version)))
            {
                return false;
            }

            var latest = Versions.Find(d => d.Name == name)
                .OrderByDescending(d => d.Version, Comparer<string>.Create(SemVerOrder.CompareForLatest))
                .FirstOrDefault();
            if (latest is null)
            {
                Heads.Delete(name);
            }
            else
            {
                Heads.Upsert(ChartDocumentMapper.ToHead(latest));
            }

            return true;
        });
        return Task.FromResult(deleted);
    }

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
