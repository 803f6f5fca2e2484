using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Storage.Contract.Tests;

/// <summary>The project and pipeline ports of the store contract.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Create_IsCreatedOnce_ATakenNameIsRefused_AndARequestIdReplays_EvenWhenRacing()
    {
        await using var stores = await OpenAsync();
        var web = Project("acme", "web");
        var created = await CreateAsync(stores, web, "req-1");
        var taken = await CreateAsync(stores, Project("acme", "web"), "req-2");
        var replayed = await CreateAsync(stores, Project("acme", "web-again"), "req-1");
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => CreateAsync(stores, Project("acme", $"racer-{i}"), "req-race"))));

        Assert.Equal((CreateOutcome.Created, web.Id), (created.Outcome, created.Project.Id));
        Assert.Equal((CreateOutcome.NameTaken, web.Id), (taken.Outcome, taken.Project.Id));
        Assert.Equal((CreateOutcome.Replayed, web.Id), (replayed.Outcome, replayed.Project.Id));
        var winner = Assert.Single(racing, r => r.Outcome == CreateOutcome.Created);
        Assert.All(racing.Where(r => r != winner), r => Assert.Equal((CreateOutcome.Replayed, winner.Project.Id), (r.Outcome, r.Project.Id)));
        Assert.Equal(RecordJson.Serialize(web), RecordJson.Serialize(await stores.Projects.GetByNameAsync("acme", "web")));
        Assert.Equal(RecordJson.Serialize(web), RecordJson.Serialize(await stores.Projects.GetAsync(web.Id)));
        Assert.NotNull(await stores.Projects.GetManifestsAsync(Manifests.Digest));
        Assert.Equal(Snapshot.Digest, (await stores.Projects.GetSnapshotAsync(Snapshot.Digest))!.Digest);
        Assert.Equal(Snapshot.Files.Count, (await stores.Projects.GetSnapshotAsync(Snapshot.Digest))!.Files.Count);
    }

    [Fact]
    public async Task AppendRevision_IsACompareAndSet_OneOfManyConcurrentAppendsWins_AndTheEnginesStatusIsKept()
    {
        await using var stores = await OpenAsync();
        var project = Project("acme", "cas");
        await CreateAsync(stores, project, null);
        await stores.Projects.SetStatusAsync(project.Id, ProjectStatus.Deploying, "pipe-1");

        var appended = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            stores.Projects.AppendRevisionAsync(project with { CurrentRevision = 2, Env = $"env-{i}" }, 1, Revision(project.Id, 2, $"writer {i}"), Manifests, null))));
        var stale = await stores.Projects.AppendRevisionAsync(project with { CurrentRevision = 2 }, 1, Revision(project.Id, 2, "stale"), Manifests, null);
        var next = await stores.Projects.AppendRevisionAsync(project with { CurrentRevision = 3 }, 2, Revision(project.Id, 3, "next"), Manifests, Snapshot);
        var stored = (await stores.Projects.GetAsync(project.Id))!;

        Assert.Equal(1, appended.Count(a => a));
        Assert.False(stale);
        Assert.True(next);
        Assert.Equal((3, ProjectStatus.Deploying, "pipe-1"), (stored.CurrentRevision, stored.Status, stored.LastPipelineId));
        var revisions = new List<int>();
        string? token = null;
        do
        {
            var page = await stores.Projects.ListRevisionsAsync(project.Id, new PageRequest(2, token));
            revisions.AddRange(page.Items.Select(r => r.Number));
            token = page.NextKey;
        }
        while (token is not null);

        Assert.Equal([3, 2, 1], revisions);
        await stores.Projects.SetRevisionPipelineAsync(project.Id, 3, "pipe-3");
        Assert.Equal("pipe-3", (await stores.Projects.GetRevisionAsync(project.Id, 3))!.PipelineId);
        Assert.Null(await stores.Projects.GetRevisionAsync(project.Id, 4));
    }

    [Fact]
    public async Task List_FiltersByOrgEnvChartLabelsTextAndVisibleOrgs_AndPagesInOrgThenNameOrder()
    {
        await using var stores = await OpenAsync();
        var specs = new (string Org, string Name, string Env, string Tier)[]
        {
            ("acme", "web", "prod", "gold"), ("acme", "web-api", "dev", "silver"), ("acme-labs", "api", "prod", "gold"),
            ("acme", "db", "prod", "silver"), ("umbrella", "web", "dev", "gold"), ("acme", "cache", "dev", "bronze"),
        };
        foreach (var (org, name, env, tier) in specs)
        {
            await CreateAsync(stores, Project(org, name, env, new Dictionary<string, string> { ["tier"] = tier }), null);
        }

        async Task<List<string>> All(ProjectFilter filter, int pageSize = 2)
        {
            var names = new List<string>();
            string? token = null;
            do
            {
                var page = await stores.Projects.ListAsync(filter, new PageRequest(pageSize, token));
                Assert.True(page.Items.Count <= pageSize);
                names.AddRange(page.Items.Select(p => p.QualifiedName));
                token = page.NextKey;
            }
            while (token is not null);
            return names;
        }

        ProjectFilter Filter(string? org = null, string? env = null, string? selector = null, string? text = null) =>
            new(org, env, null, selector is null ? [] : LabelSelector.Parse(selector), text);

        Assert.Equal(["acme/cache", "acme/db", "acme/web", "acme/web-api", "acme-labs/api", "umbrella/web"], await All(Filter()));
        Assert.Equal(["acme/cache", "acme/db", "acme/web", "acme/web-api"], await All(Filter(org: "acme")));
        Assert.Equal(["acme/db", "acme/web", "acme-labs/api"], await All(Filter(env: "prod")));
        Assert.Equal(["acme/web", "acme-labs/api", "umbrella/web"], await All(Filter(selector: "tier=gold")));
        Assert.Equal(["acme/cache", "acme/db", "acme/web-api"], await All(Filter(selector: "tier notin (gold)")));
        Assert.Equal(["acme/web", "acme/web-api", "umbrella/web"], await All(Filter(text: "WEB")));
        Assert.Equal(["acme/web-api", "acme-labs/api"], await All(Filter(text: "api"), pageSize: 1));
        Assert.Empty(await All(Filter(text: "_")));
        Assert.Equal(["acme-labs/api", "umbrella/web"], await All(Filter() with { VisibleOrgs = new HashSet<string> { "acme-labs", "umbrella" } }));
        Assert.Equal(5, await stores.Projects.CountOnChartVersionAsync("web", "1.0.0"));
        Assert.Single(await stores.Projects.FindByRepositoryAsync(GitUrls.Normalize("https://git.example/acme/infra-db.git")));
    }

    [Fact]
    public async Task Delete_RemovesTheProjectRevisionsAndResources_SoTheNameCanBeReused_AndForceDeleteHonoursBusy()
    {
        await using var stores = await OpenAsync();
        var project = Project("acme", "gone");
        await CreateAsync(stores, project, "req-gone");
        await stores.Pipelines.SaveBatchAsync([], [], [], [Resource(project.Id, "vpc", ResourceState.Deployed)]);
        await stores.Projects.DeleteAsync(new ProjectDeletion(project.Id, project.QualifiedName, "tester", At, []));
        var reborn = Project("acme", "gone");
        var recreated = await CreateAsync(stores, reborn, "req-gone");
        await stores.Pipelines.SaveBatchAsync([], [], [], [Resource(reborn.Id, "vpc", ResourceState.Deployed), Resource(reborn.Id, "db", ResourceState.Failed)]);

        var busy = await stores.Projects.ForceDeleteAsync("acme/gone", "admin", "stuck", At, _ => true);
        var forced = await stores.Projects.ForceDeleteAsync("acme/gone", "admin", "stuck", At, _ => false);

        Assert.Null(await stores.Projects.GetRevisionAsync(project.Id, 1));
        Assert.Equal(CreateOutcome.Created, recreated.Outcome);
        Assert.True(busy!.Busy);
        Assert.Equal((reborn.Id, "acme/gone", 2, false), (forced!.ProjectId, forced.QualifiedName, forced.ResourceRecords, forced.Busy));
        Assert.Null(await stores.Projects.GetByNameAsync("acme", "gone"));
        Assert.Empty(await stores.Projects.ListResourcesAsync(reborn.Id));
        Assert.Null(await stores.Projects.ForceDeleteAsync(reborn.Id, "admin", "again", At, _ => false));
    }

    [Fact]
    public async Task Resources_AreFoundAcrossTheProjectsOfAnOrg_WhenDeployed()
    {
        await using var stores = await OpenAsync();
        var (a, b, c, other) = (Project("acme", "a"), Project("acme", "b"), Project("acme", "c"), Project("umbrella", "d"));
        foreach (var project in new[] { a, b, c, other })
        {
            await CreateAsync(stores, project, null);
        }

        await stores.Pipelines.SaveBatchAsync([], [], [], [
            Resource(a.Id, "shared", ResourceState.Deployed), Resource(b.Id, "shared", ResourceState.Deployed), Resource(c.Id, "shared", ResourceState.Failed), Resource(other.Id, "shared", ResourceState.Deployed)]);
        await stores.Pipelines.SaveBatchAsync([], [], [], [Resource(a.Id, "shared", ResourceState.Deployed) with { AppliedRevision = 7 }]);

        var found = await stores.Projects.FindDeployedResourcesAsync("acme", new ResourceKey("AwsVpc", "shared"), excludeProjectId: b.Id);

        Assert.Equal([(a.Id, 7)], found.Select(x => (x.Project.Id, x.Resource.AppliedRevision)));
        Assert.Equal(["AwsVpc/shared"], (await stores.Projects.ListResourcesAsync(c.Id)).Select(r => r.Key.ToString()));
    }

    [Fact]
    public async Task Pipelines_StoreEventsLogsAndInventoryWithTheirBatch_AllOrNothing_AndListNewestFirst()
    {
        await using var stores = await OpenAsync();
        var pipelines = Enumerable.Range(0, 5).Select(i => Pipeline($"pipe-{i}", i % 2 == 0 ? "p-even" : "p-odd", i % 2 == 0 ? "acme/even" : "umbrella/odd", At.AddSeconds(i))).ToList();
        foreach (var pipeline in pipelines)
        {
            await stores.Pipelines.InsertAsync(pipeline);
        }

        var node = new ResourceKey("AwsVpc", "main");
        Task Batch() => stores.Pipelines.SaveBatchAsync(
            [pipelines[4] with { Status = RunStatus.Running, LastSequence = 2 }],
            [Event("pipe-4", 1), Event("pipe-4", 2)],
            [("pipe-4", Log(1, node, "refreshing")), ("pipe-4", Log(2, node, "applying")), ("pipe-4", Log(1, new ResourceKey("AwsVpc", "other"), "elsewhere"))],
            inventory: [new InventoryChange("p-even/AwsVpc/main", "AwsVpc", new Dictionary<string, object?> { ["id"] = "vpc-1", ["cidr"] = 16L })]);
        await Batch();

        // A batch retried as it was (its commit's answer lost) changes nothing; one that rewrites a stored event is refused whole.
        await Batch();
        var rewrite = await Record.ExceptionAsync(() => stores.Pipelines.SaveBatchAsync(
            [pipelines[4] with { Status = RunStatus.Completed, Result = RunResult.Succeeded, LastSequence = 3 }],
            [Event("pipe-4", 3), Event("pipe-4", 2) with { Terminal = true }],
            [],
            inventory: [new InventoryChange("p-even/AwsVpc/main", "AwsVpc", null)]));
        var repeated = await Record.ExceptionAsync(() => stores.Pipelines.SaveBatchAsync([], [Event("pipe-4", 5), Event("pipe-4", 5) with { Terminal = true }], []));
        var rewrittenLog = await Record.ExceptionAsync(() => stores.Pipelines.SaveBatchAsync([], [], [("pipe-4", Log(2, node, "something else"))]));
        await stores.Pipelines.SaveBatchAsync([pipelines[0] with { Status = RunStatus.Completed, Result = RunResult.Failed }], [], []);

        Assert.NotNull(rewrite);
        Assert.NotNull(repeated);
        Assert.NotNull(rewrittenLog);
        Assert.Equal([1L, 2L], (await stores.Pipelines.GetEventsAsync("pipe-4", 0)).Select(e => e.Sequence));
        Assert.False((await stores.Pipelines.GetEventsAsync("pipe-4", 1)).Single().Terminal);
        Assert.Equal(["refreshing", "applying"], (await stores.Pipelines.GetLogsAsync("pipe-4", node, 0)).Select(l => l.Text));
        Assert.Equal(RunStatus.Running, (await stores.Pipelines.GetAsync("pipe-4"))!.Status);
        Assert.Equal(16L, (await stores.Inventory.GetAsync("p-even/AwsVpc/main"))!["cidr"]);
        Assert.Equal(["p-even/AwsVpc/main"], await stores.Inventory.ListKeysAsync("p-even/"));
        Assert.Equal(["applying"], (await stores.Pipelines.GetLogsAsync("pipe-4", node, 1)).Select(l => l.Text));

        async Task<List<string>> Ids(string? projectId, RunStatus? status = null, RunResult? result = null, IReadOnlySet<string>? orgs = null)
        {
            var ids = new List<string>();
            string? token = null;
            do
            {
                var page = await stores.Pipelines.ListAsync(projectId, status, result, orgs, new PageRequest(2, token));
                ids.AddRange(page.Items.Select(p => p.Id));
                token = page.NextKey;
            }
            while (token is not null);
            return ids;
        }

        Assert.Equal(["pipe-4", "pipe-3", "pipe-2", "pipe-1", "pipe-0"], await Ids(null));
        Assert.Equal(["pipe-4", "pipe-2", "pipe-0"], await Ids("p-even"));
        Assert.Equal(["pipe-0"], await Ids(null, RunStatus.Completed, RunResult.Failed));
        Assert.Equal(["pipe-3", "pipe-1"], await Ids(null, orgs: new HashSet<string> { "umbrella" }));
        Assert.Equal("pipe-4", (await stores.Pipelines.GetLastAsync("p-even"))!.Id);
        Assert.Equal(["pipe-1", "pipe-2", "pipe-3", "pipe-4"], (await stores.Pipelines.ListUnfinishedAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task TextWithNul_FindsNothing_AndIsStoredWhereItIsAValue()
    {
        await using var stores = await OpenAsync();
        await CreateAsync(stores, Project("acme", "web"), null);
        await stores.Audit.AppendAsync(new Domain.Access.AuditEvent("e-1", At, "mallory\0", "/x/\0", "acme\0", "target\0", "started", "r\0", "127.0.0.1"));

        Assert.Null(await stores.Projects.GetAsync("a\0b"));
        Assert.Null(await stores.Projects.GetByNameAsync("acme\0", "web"));
        Assert.Empty((await stores.Projects.ListAsync(new ProjectFilter("acme", null, null, [], "w\0"), new PageRequest(10, null))).Items);
        Assert.Null(await stores.Charts.GetAsync("web\0", null));
        Assert.Equal("target\0", (await stores.Audit.ListAsync(new Domain.Access.AuditFilter(null, null, null, null), new PageRequest(10, null))).Items.Single().Target);
    }

    private static readonly ChartDefinition Snapshot = Chart("web", "1.0.0", "snapshot");

    private static readonly ManifestSet Manifests = new("sha256:contract", [new StoredManifest("templates/vpc.yaml", "apiVersion: aws.infragrpc.dev/v1\nkind: AwsVpc\nmetadata:\n  name: main\n")]);

    private static Task<(CreateOutcome Outcome, Project Project)> CreateAsync(Stores stores, Project project, string? requestId) =>
        stores.Projects.CreateAsync(project, Revision(project.Id, 1, "created"), Manifests, Snapshot, requestId);

    private static Project Project(string org, string name, string env = "dev", Dictionary<string, string>? labels = null) =>
        new(Guid.NewGuid().ToString("N"), org, name, env, labels ?? [], new ProjectChart("web", name == "db" ? "2.0.0" : "1.0.0", Snapshot.Digest, Inline: false), PipelineControls.Default,
            new Dictionary<string, object?> { ["replicas"] = 2L, ["ratio"] = 1.5, ["tags"] = new Dictionary<string, object?> { ["team"] = "web" } }, 1, ProjectStatus.New, null, At, "tester", At)
        {
            Git = name == "db" ? new ProjectGit("https://git.example/acme/infra-db.git", "main", "/", null, null) : null,
        };

    private static ProjectRevision Revision(string projectId, int number, string message) =>
        new(projectId, number, "tester", At, message, number == 1 ? RevisionCause.Create : RevisionCause.Update, new Dictionary<string, object?>(), new Dictionary<string, object?> { ["replicas"] = 2L },
            new ProjectChart("web", "1.0.0", Snapshot.Digest, Inline: false), PipelineControls.Default, Manifests.Digest, null, null);

    private static ProjectResource Resource(string projectId, string name, ResourceState state) =>
        new(projectId, new ResourceKey("AwsVpc", name), state, new Dictionary<string, object?> { ["id"] = $"vpc-{name}" }, 1, null, At, "simulated");

    private static Pipeline Pipeline(string id, string projectId, string projectName, DateTimeOffset createdAt) =>
        new(id, projectId, projectName, 1, PipelineOperation.Deploy, PipelineTrigger.Create, "tester", null, RunStatus.Queued, RunResult.None, null, createdAt, null, null, [], [], [], 0, 4, false, null);

    private static PipelineEvent Event(string pipelineId, long sequence) =>
        new(pipelineId, sequence, At.AddSeconds(sequence), PipelineEventKind.PipelineChanged, false, PipelineStatus: (RunStatus.Running, RunResult.None, null));

    private static LogLine Log(long sequence, ResourceKey node, string text) => new(sequence, At.AddSeconds(sequence), node, OperationKind.Apply, LogSource.Stdout, text);
}
