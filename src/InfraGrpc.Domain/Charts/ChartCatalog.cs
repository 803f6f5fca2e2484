using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Rendering;

namespace InfraGrpc.Domain.Charts;

/// <summary>How a chart to publish or render is given.</summary>
public sealed record ChartContent(IReadOnlyList<ChartFile>? Files, byte[]? Archive, string? Name, string? Version);

/// <summary>
/// The chart catalog use cases: publish (immutable versions with digests), get, list, delete and
/// render a preview. Storage is behind <see cref="IChartStore"/>.
/// </summary>
public sealed class ChartCatalog(IChartStore store, ChartRenderer renderer, TimeProvider clock)
{
    /// <summary>Loads, compiles and stores a chart version.</summary>
    /// <exception cref="ValidationException">The chart is invalid.</exception>
    /// <exception cref="ConflictException">The version exists with other content.</exception>
    public async Task<(ChartVersion Version, bool AlreadyPublished)> PublishAsync(
        ChartContent content, string actor, bool builtIn = false, CancellationToken cancellationToken = default)
    {
        var chart = Load(content);
        renderer.Verify(chart);
        // Millisecond precision, as stored, so the first answer and a re-read agree.
        var now = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var (outcome, stored) = await store.PublishAsync(new ChartVersion(chart, now, actor, builtIn), cancellationToken);
        return outcome switch
        {
            PublishOutcome.Conflict => throw new ConflictException(
                "CHART_VERSION_EXISTS",
                $"chart {chart.Name} version {chart.Version} is already published with other content; publish a new version",
                new Dictionary<string, string>
                {
                    ["chart"] = chart.Name,
                    ["version"] = chart.Version,
                    ["published_digest"] = stored.Chart.Digest,
                    ["digest"] = chart.Digest,
                }),
            _ => (stored, outcome == PublishOutcome.AlreadyPublished),
        };
    }

    /// <exception cref="NotFoundException">No such chart or version.</exception>
    public async Task<ChartVersion> GetAsync(string name, string? version, CancellationToken cancellationToken = default)
    {
        ValidateReference(name, version);
        return await store.GetAsync(name, NullIfEmpty(version), cancellationToken)
            ?? throw new NotFoundException("chart", string.IsNullOrEmpty(version) ? name : $"{name}@{version}");
    }

    public Task<Page<ChartVersionSummary>> ListAsync(string? filter, PageRequest page, CancellationToken cancellationToken = default) =>
        store.ListLatestAsync(NullIfEmpty(filter?.Trim()), page, cancellationToken);

    /// <exception cref="NotFoundException">No version of the chart exists.</exception>
    public async Task<Page<ChartVersionSummary>> ListVersionsAsync(string name, PageRequest page, CancellationToken cancellationToken = default)
    {
        ValidateReference(name, null);
        var result = await store.ListVersionsAsync(name, page, cancellationToken);
        if (result.Items.Count == 0 && page.AfterKey is null)
        {
            throw new NotFoundException("chart", name);
        }

        return result;
    }

    /// <exception cref="NotFoundException">No such version.</exception>
    public async Task DeleteVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var violations = new List<FieldViolation>();
        if (!ChartLoader.IsSlug(name))
        {
            violations.Add(new FieldViolation("name", "must be a chart slug: [a-z0-9-], 1 to 63 characters"));
        }

        if (string.IsNullOrEmpty(version))
        {
            violations.Add(new FieldViolation("version", "is required: name the version to delete"));
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        if (!await store.DeleteVersionAsync(name, version, cancellationToken))
        {
            throw new NotFoundException("chart", $"{name}@{version}");
        }
    }

    /// <summary>Renders a catalog chart or inline files; nothing is stored.</summary>
    public async Task<(ChartDefinition Chart, RenderResult Result)> RenderAsync(
        ChartContent? inline, string? name, string? version, RenderInput input, CancellationToken cancellationToken = default)
    {
        var chart = inline is not null ? Load(inline) : (await GetAsync(name ?? string.Empty, version, cancellationToken)).Chart;
        return (chart, renderer.Render(chart, input));
    }

    /// <summary>Loads a chart from files or an archive without storing it.</summary>
    public ChartDefinition Load(ChartContent content)
    {
        IReadOnlyList<ChartFile> files;
        var name = NullIfEmpty(content.Name);
        if (content.Archive is { Length: > 0 } archive)
        {
            var (extracted, top) = ChartArchive.Extract(archive, renderer.Limits);
            files = extracted;
            name ??= top;
        }
        else if (content.Files is { Count: > 0 } given)
        {
            files = given;
        }
        else
        {
            throw new ValidationException("content", "give the chart as files or as a .tgz archive");
        }

        return ChartLoader.Load(files, name, NullIfEmpty(content.Version), renderer.Limits);
    }

    private static void ValidateReference(string name, string? version)
    {
        var violations = new List<FieldViolation>();
        if (!ChartLoader.IsSlug(name))
        {
            violations.Add(new FieldViolation("name", "must be a chart slug: [a-z0-9-], 1 to 63 characters"));
        }

        if (!string.IsNullOrEmpty(version) && !SemVerOrder.IsValid(version))
        {
            violations.Add(new FieldViolation("version", $"'{Excerpt.Of(version)}' is not a SemVer 2.0 version"));
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
