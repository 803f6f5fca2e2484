using System.Text;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Paging;

namespace InfraGrpc.Storage.LiteDb.Tests;

public sealed class LiteDbChartStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("infragrpc-store-").FullName;

    [Fact]
    public void Open_SecondStoreOnTheSameDirectory_IsRefused()
    {
        using var first = LiteDbStore.Open(_directory);

        var error = Assert.Throws<DataDirectoryInUseException>(() => LiteDbStore.Open(_directory));

        Assert.Equal(_directory, error.Directory);
    }

    [Fact]
    public void Open_AfterTheFirstStoreIsDisposed_Succeeds()
    {
        LiteDbStore.Open(_directory).Dispose();

        using var second = LiteDbStore.Open(_directory);

        Assert.True(second.IsReadable());
    }

    [Fact]
    public async Task Publish_AcknowledgedVersions_AreThereAfterReopen()
    {
        using (var store = LiteDbStore.Open(_directory))
        {
            var charts = new LiteDbChartStore(store);
            await charts.PublishAsync(Version("kept", "1.0.0", "a: 1"));
            await charts.PublishAsync(Version("kept", "1.1.0", "a: 2"));
        }

        using var reopened = LiteDbStore.Open(_directory);
        var chart = await new LiteDbChartStore(reopened).GetAsync("kept", null);

        Assert.NotNull(chart);
        Assert.Equal("1.1.0", chart.Chart.Version);
        Assert.Equal("a: 2", Encoding.UTF8.GetString(chart.Chart.Files.Single(f => f.Path == "templates/a.yaml").Content));
        Assert.Equal(ParameterType.Number, chart.Chart.Parameters.Single().Type);
        Assert.Equal(3L, chart.Chart.Parameters.Single().DefaultValue);
    }

    [Fact]
    public async Task Publish_ComparesDigests_ForIdempotenceAndConflicts()
    {
        using var store = LiteDbStore.Open(_directory);
        var charts = new LiteDbChartStore(store);

        var first = await charts.PublishAsync(Version("c", "1.0.0", "x"));
        var again = await charts.PublishAsync(Version("c", "1.0.0", "x"));
        var other = await charts.PublishAsync(Version("c", "1.0.0", "y"));

        Assert.Equal(PublishOutcome.Published, first.Outcome);
        Assert.Equal(PublishOutcome.AlreadyPublished, again.Outcome);
        Assert.Equal(PublishOutcome.Conflict, other.Outcome);
        Assert.Equal(first.Stored.Chart.Digest, other.Stored.Chart.Digest);
    }

    [Fact]
    public async Task ConcurrentPublishes_OfOneVersion_StoreItOnce()
    {
        using var store = LiteDbStore.Open(_directory);
        var charts = new LiteDbChartStore(store);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => charts.PublishAsync(Version("race", "1.0.0", "content " + (i % 2))))));

        Assert.Single(outcomes, o => o.Outcome == PublishOutcome.Published);
        var page = await charts.ListVersionsAsync("race", new PageRequest(10, null));
        Assert.Single(page.Items);
    }

    [Fact]
    public async Task ListLatest_FollowsPublishesAndDeletes()
    {
        using var store = LiteDbStore.Open(_directory);
        var charts = new LiteDbChartStore(store);
        await charts.PublishAsync(Version("b-chart", "1.0.0", "x"));
        await charts.PublishAsync(Version("a-chart", "2.0.0", "x"));
        await charts.PublishAsync(Version("a-chart", "10.0.0", "x"));
        await charts.PublishAsync(Version("a-chart", "3.0.0", "x"));

        var before = await charts.ListLatestAsync(null, new PageRequest(10, null));
        await charts.DeleteVersionAsync("a-chart", "10.0.0");
        await charts.DeleteVersionAsync("b-chart", "1.0.0");
        var after = await charts.ListLatestAsync(null, new PageRequest(10, null));

        Assert.Equal(["a-chart@10.0.0", "b-chart@1.0.0"], before.Items.Select(s => $"{s.Name}@{s.Version}"));
        Assert.Equal(["a-chart@3.0.0"], after.Items.Select(s => $"{s.Name}@{s.Version}"));
    }

    [Fact]
    public async Task Latest_IsTheHighestReleaseAndAPreReleaseOnlyWhenThereIsNoRelease()
    {
        using var store = LiteDbStore.Open(_directory);
        var charts = new LiteDbChartStore(store);
        await charts.PublishAsync(Version("pre", "3.0.0-beta.1", "x"));
        var onlyPreRelease = await charts.GetAsync("pre", null);
        await charts.PublishAsync(Version("pre", "1.2.0", "x"));
        await charts.PublishAsync(Version("pre", "2.0.0-rc.1", "x"));
        var withRelease = await charts.GetAsync("pre", null);
        await charts.DeleteVersionAsync("pre", "1.2.0");
        var afterDelete = await charts.GetAsync("pre", null);

        Assert.Equal("3.0.0-beta.1", onlyPreRelease!.Chart.Version);
        Assert.Equal("1.2.0", withRelease!.Chart.Version);
        Assert.Equal("3.0.0-beta.1", afterDelete!.Chart.Version);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ChartVersion Version(string name, string version, string template)
    {
        ChartFile[] files =
        [
            new("Chart.yaml", Encoding.UTF8.GetBytes($"name: {name}")),
            new("templates/a.yaml", Encoding.UTF8.GetBytes(template)),
        ];
        var parameters = new[] { new ChartParameter("count", "how many", ParameterType.Number, true, 3L, false, []) };
        var chart = new ChartDefinition(name, version, name, null, null, ChartFormat.InfraGrpc, parameters, null, files, ChartDigest.Compute(files));
        return new ChartVersion(chart, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), "test", false);
    }
}
