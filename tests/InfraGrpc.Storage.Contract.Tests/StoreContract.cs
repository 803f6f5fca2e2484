using System.Text;
using InfraGrpc.Domain.Access;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Paging;

namespace InfraGrpc.Storage.Contract.Tests;

/// <summary>
/// What every store promises, run on each provider (<see cref="LiteDbStoreContract"/>, <see cref="PostgresStoreContract"/>):
/// a behaviour that only one provider passes is a bug in that provider.
/// </summary>
public abstract partial class StoreContract
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);

    protected abstract Task<Stores> OpenAsync();

    [Fact]
    public async Task Publish_StoresOnce_RepublishIsAlreadyPublished_AnotherDigestIsAConflictThatKeepsTheFirst()
    {
        await using var stores = await OpenAsync();
        var first = Version(Chart("web", "1.0.0", "a"));

        var published = await stores.Charts.PublishAsync(first);
        var again = await stores.Charts.PublishAsync(Version(Chart("web", "1.0.0", "a")));
        var conflict = await stores.Charts.PublishAsync(Version(Chart("web", "1.0.0", "b")));
        var stored = await stores.Charts.GetAsync("web", "1.0.0");

        Assert.Equal(PublishOutcome.Published, published.Outcome);
        Assert.Equal(PublishOutcome.AlreadyPublished, again.Outcome);
        Assert.Equal((PublishOutcome.Conflict, first.Chart.Digest), (conflict.Outcome, conflict.Stored.Chart.Digest));
        AssertSameChart(first, stored!);
    }

    [Fact]
    public async Task Get_WithoutVersion_IsTheHighestRelease_AndFollowsDeletes()
    {
        await using var stores = await OpenAsync();
        foreach (var version in new[] { "1.2.0", "1.10.0", "2.0.0-rc.1", "1.9.9" })
        {
            await stores.Charts.PublishAsync(Version(Chart("api", version, version)));
        }

        var latest = await stores.Charts.GetAsync("api", null);
        var deleted = await stores.Charts.DeleteVersionAsync("api", "1.10.0");
        var deletedAgain = await stores.Charts.DeleteVersionAsync("api", "1.10.0");
        var next = await stores.Charts.GetAsync("api", null);
        foreach (var version in new[] { "1.2.0", "2.0.0-rc.1", "1.9.9" })
        {
            await stores.Charts.DeleteVersionAsync("api", version);
        }

        Assert.Equal("1.10.0", latest!.Chart.Version);
        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.Equal("1.9.9", next!.Chart.Version);
        Assert.Null(await stores.Charts.GetAsync("api", null));
        Assert.Empty((await stores.Charts.ListLatestAsync(null, new PageRequest(10, null))).Items);
    }

    [Fact]
    public async Task ListLatest_PagesByName_AndFiltersByNameDisplayNameAndDescription()
    {
        await using var stores = await OpenAsync();
        foreach (var name in new[] { "queue", "cache", "db", "web", "api" })
        {
            await stores.Charts.PublishAsync(Version(Chart(name, "1.0.0", name, description: name == "db" ? "A Postgres DATABASE" : null)));
        }

        await stores.Charts.PublishAsync(Version(Chart("web", "1.1.0", "web 2")));
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await stores.Charts.ListLatestAsync(null, new PageRequest(2, token));
            names.AddRange(page.Items.Select(s => $"{s.Name}@{s.Version}"));
            token = page.NextKey;
        }
        while (token is not null);

        Assert.Equal(["api@1.0.0", "cache@1.0.0", "db@1.0.0", "queue@1.0.0", "web@1.1.0"], names);
        Assert.Equal(["db"], (await stores.Charts.ListLatestAsync("database", new PageRequest(10, null))).Items.Select(s => s.Name));
        Assert.Equal(["cache"], (await stores.Charts.ListLatestAsync("CACHE chart", new PageRequest(10, null))).Items.Select(s => s.Name));
    }

    [Fact]
    public async Task ListVersions_IsHighestSemVerFirst_InPages()
    {
        await using var stores = await OpenAsync();
        foreach (var version in new[] { "0.9.0", "1.10.0", "1.2.0", "1.2.0-beta.2", "1.2.0-beta.10" })
        {
            await stores.Charts.PublishAsync(Version(Chart("app", version, version)));
        }

        var versions = new List<string>();
        string? token = null;
        do
        {
            var page = await stores.Charts.ListVersionsAsync("app", new PageRequest(2, token));
            versions.AddRange(page.Items.Select(s => s.Version));
            token = page.NextKey;
        }
        while (token is not null);

        Assert.Equal(["1.10.0", "1.2.0", "1.2.0-beta.10", "1.2.0-beta.2", "0.9.0"], versions);
    }

    [Fact]
    public async Task ConcurrentPublishesOfOneVersion_StoreExactlyOne()
    {
        await using var stores = await OpenAsync();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => stores.Charts.PublishAsync(Version(Chart("race", "1.0.0", $"variant-{i}"))))));

        var winner = Assert.Single(outcomes, o => o.Outcome == PublishOutcome.Published);
        Assert.All(outcomes.Where(o => o.Outcome != PublishOutcome.Published), o => Assert.Equal((PublishOutcome.Conflict, winner.Stored.Chart.Digest), (o.Outcome, o.Stored.Chart.Digest)));
        Assert.Equal(winner.Stored.Chart.Digest, (await stores.Charts.GetAsync("race", null))!.Chart.Digest);
    }

    [Fact]
    public async Task Tokens_ListNewestFirstByOwner_AndRevokeKeepsTheFirstRevocation()
    {
        await using var stores = await OpenAsync();
        var tokens = Enumerable.Range(0, 4).Select(i => new ApiToken($"tok-{i}", $"token {i}", i % 2 == 0 ? "alice" : "bob", [1, 2, (byte)i], At.AddMinutes(i), At.AddDays(30), null, "admin")).ToList();
        foreach (var token in tokens)
        {
            await stores.Access.InsertTokenAsync(token);
        }

        var revoked = await stores.Access.RevokeTokenAsync("tok-2", At.AddHours(1));
        var revokedAgain = await stores.Access.RevokeTokenAsync("tok-2", At.AddHours(2));

        Assert.Equal(["tok-3", "tok-2", "tok-1", "tok-0"], (await stores.Access.ListTokensAsync(null)).Select(t => t.Id));
        Assert.Equal(["tok-2", "tok-0"], (await stores.Access.ListTokensAsync("alice")).Select(t => t.Id));
        Assert.Equal(At.AddHours(1), revoked!.RevokedAt);
        Assert.Equal(At.AddHours(1), revokedAgain!.RevokedAt);
        Assert.Equal(At.AddHours(1), (await stores.Access.GetTokenAsync("tok-2"))!.RevokedAt);
        Assert.Equal([1, 2, 3], (await stores.Access.GetTokenAsync("tok-3"))!.SecretHash);
        Assert.Null(await stores.Access.RevokeTokenAsync("missing", At));
        Assert.Null(await stores.Access.GetTokenAsync("missing"));
    }

    [Fact]
    public async Task Bindings_AreStoredListedAndDeletedOnce()
    {
        await using var stores = await OpenAsync();
        var binding = new RoleBinding("b-1", "acme", SubjectKind.Group, "platform", Role.Operator, "admin", At);
        await stores.Access.InsertBindingAsync(binding);
        await stores.Access.InsertBindingAsync(binding with { Id = "b-2", Org = RoleBinding.Instance, Role = Role.Viewer });

        Assert.Equal(binding, await stores.Access.GetBindingAsync("b-1"));
        Assert.Equal(["b-1", "b-2"], (await stores.Access.ListBindingsAsync()).Select(b => b.Id).Order());
        Assert.True(await stores.Access.DeleteBindingAsync("b-1"));
        Assert.False(await stores.Access.DeleteBindingAsync("b-1"));
        Assert.Null(await stores.Access.GetBindingAsync("b-1"));
    }

    [Fact]
    public async Task Audit_ListsNewestFirst_FilteredByOrgActorMethodAndVisibleOrgs_InPages()
    {
        await using var stores = await OpenAsync();
        for (var i = 0; i < 6; i++)
        {
            var method = i % 2 == 0 ? "/infragrpc.v1.InfraProjectService/CreateProject" : "/infragrpc.v1.InfraChartService/PublishChart";
            await stores.Audit.AppendAsync(new AuditEvent($"e-{i:D2}", At.AddSeconds(i), i < 3 ? "alice" : "bob", method, i % 3 == 0 ? "acme" : "umbrella", $"target-{i}", "started", $"r-{i}", "127.0.0.1"));
        }

        await stores.Audit.SetOutcomeAsync("e-04", "OK");
        var all = new List<AuditEvent>();
        string? token = null;
        do
        {
            var page = await stores.Audit.ListAsync(new AuditFilter(null, null, null, null), new PageRequest(4, token));
            all.AddRange(page.Items);
            token = page.NextKey;
        }
        while (token is not null);

        async Task<IEnumerable<string>> Ids(AuditFilter filter) => (await stores.Audit.ListAsync(filter, new PageRequest(10, null))).Items.Select(e => e.Id);
        Assert.Equal(["e-05", "e-04", "e-03", "e-02", "e-01", "e-00"], all.Select(e => e.Id));
        Assert.Equal("OK", all[1].Outcome);
        Assert.Equal(["e-03", "e-00"], await Ids(new AuditFilter("acme", null, null, null)));
        Assert.Equal(["e-02", "e-01", "e-00"], await Ids(new AuditFilter(null, "alice", null, null)));
        Assert.Equal(["e-04", "e-02", "e-00"], await Ids(new AuditFilter(null, null, "CreateProject", null)));
        Assert.Equal(["e-05", "e-03", "e-01"], await Ids(new AuditFilter(null, null, "/infragrpc.v1.InfraChartService/PublishChart", null)));
        Assert.Equal(["e-05", "e-04", "e-02", "e-01"], await Ids(new AuditFilter(null, null, null, new HashSet<string> { "umbrella" })));
    }

    [Fact]
    public async Task WebhookDeliveries_RecordOnce_UnderAnyOfTheirKeys_EvenWhenRacing()
    {
        await using var stores = await OpenAsync();
        var first = await stores.Webhooks.TryRecordAsync("github", ["delivery-1", "sha256:aa"], "push to main");
        var sameBody = await stores.Webhooks.TryRecordAsync("github", ["delivery-2", "sha256:aa"], "push to main");
        var freshAfterRefusal = await stores.Webhooks.TryRecordAsync("github", ["delivery-2", "sha256:bb"], "push to main");
        var otherProvider = await stores.Webhooks.TryRecordAsync("gitlab", ["delivery-1"], "push");
        var racing = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => stores.Webhooks.TryRecordAsync("github", ["delivery-9", "sha256:99"], "push"))));

        Assert.Equal((true, false, true, true), (first, sameBody, freshAfterRefusal, otherProvider));
        Assert.Equal(1, racing.Count(recorded => recorded));
    }

    private static ChartVersion Version(ChartDefinition chart) => new(chart, At, "publisher", BuiltIn: false);

    private static ChartDefinition Chart(string name, string version, string variant, string? description = null)
    {
        var files = new Dictionary<string, string>
        {
            ["Chart.yaml"] = $"apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {{name: {name}}}\nspec:\n  version: {version}\n  displayName: {name} chart\n"
                + (description is null ? string.Empty : $"  description: {description}\n"),
            ["values.yaml"] = "params:\n  - {name: region, value: us-east-1}\n  - {name: replicas, type: number, value: 2}\n  - {name: ratio, type: number, value: 1.5}\n"
                + "  - {name: ha, type: boolean, value: true}\n  - {name: tags, type: object, value: {team: web, tier: [a, b]}}\n  - {name: size, value: small, enum: [small, large]}\n",
            ["templates/vpc.yaml"] = $"apiVersion: aws.infragrpc.dev/v1\nkind: AwsVpc\nmetadata:\n  name: vpc-{variant.Replace('.', '-')}\nspec:\n  region: {{{{values.region}}}}\n",
        };
        return ChartLoader.Load(files.Select(f => new ChartFile(f.Key, Encoding.UTF8.GetBytes(f.Value))).ToList(), null, null, ChartLimits.Default);
    }

    private static void AssertSameChart(ChartVersion expected, ChartVersion actual)
    {
        Assert.Equal(expected with { Chart = null! }, actual with { Chart = null! });
        Assert.Equal(expected.Chart with { Files = [], Parameters = [] }, actual.Chart with { Files = [], Parameters = [] });
        Assert.Equal(expected.Chart.Files.Select(f => (f.Path, Convert.ToHexString(f.Content))), actual.Chart.Files.Select(f => (f.Path, Convert.ToHexString(f.Content))));
        Assert.Equal(expected.Chart.Parameters.Count, actual.Chart.Parameters.Count);
        foreach (var (e, a) in expected.Chart.Parameters.Zip(actual.Chart.Parameters))
        {
            Assert.Equal((e.Name, e.Type, e.HasDefault, e.Required, e.Sensitive, string.Join(",", e.EnumValues)), (a.Name, a.Type, a.HasDefault, a.Required, a.Sensitive, string.Join(",", a.EnumValues)));
            Assert.Equal(InfraGrpc.Domain.Values.Json.Serialize(e.DefaultValue), InfraGrpc.Domain.Values.Json.Serialize(a.DefaultValue));
            Assert.Equal(e.DefaultValue?.GetType(), a.DefaultValue?.GetType());
        }
    }
}
