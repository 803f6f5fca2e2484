using CsCheck;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Projects;

namespace InfraGrpc.Storage.LiteDb.Tests;

/// <summary>
/// ListProjects' text filter through the trigram index, against a model that checks every name with
/// <c>Contains</c>: random projects in a few orgs, some created after the index was built, some deleted,
/// then every page of random needles, with and without an org and an env filter.
/// </summary>
public sealed class ProjectTextSearchTests : IDisposable
{
    private const string Alphabet = "ab-1";
    private static readonly string[] Orgs = ["a", "ab", "b"];
    private readonly string _directory = Directory.CreateTempSubdirectory("infragrpc-search-").FullName;
    private int _run;

    [Fact]
    public void TextFilter_PagesEqualAScanOfEveryName()
    {
        var name = Gen.Char[Alphabet].Array[1, 7].Select(chars => new string(chars));
        var project = Gen.Select(Gen.Int[0, Orgs.Length - 1], name, Gen.Bool);
        var query = Gen.Select(Gen.Char[Alphabet].Array[1, 4].Select(chars => new string(chars)), Gen.Int[1, 5], Gen.Int[-1, Orgs.Length - 1], Gen.Bool);
        Gen.Select(project.Array[0, 40], project.Array[0, 20], Gen.Int[0, 1000].Array[0, 10], query.Array[1, 6])
            .Sample((before, after, deletions, queries) => Check(before, after, deletions, queries), iter: 60, threads: 1);
    }

    [Fact]
    public async Task ProjectCreatedAfterTheIndexIsBuilt_IsFoundAtOnce_AndADeletedOneIsNot()
    {
        using var store = LiteDbStore.Open(Path.Combine(_directory, "direct"));
        var projects = new LiteDbProjectStore(store);
        await projects.CreateGitAsync(NewProject("acme", "payments-api", "prod"), requestId: null);
        Assert.Equal(["payments-api"], await NamesAsync(projects, "api", org: null, env: null));

        var ledger = NewProject("acme", "ledger-api", "prod");
        await projects.CreateGitAsync(ledger, requestId: null);
        await projects.DeleteAsync(new ProjectDeletion("missing", "acme/payments-api", "test", DateTimeOffset.UnixEpoch, []));

        Assert.Equal(["ledger-api"], await NamesAsync(projects, "API", org: "acme", env: "prod"));
        Assert.Empty(await NamesAsync(projects, "payments", org: null, env: null));
    }

    private void Check((int Org, string Name, bool Prod)[] before, (int Org, string Name, bool Prod)[] after, int[] deletions, (string Needle, int PageSize, int Org, bool Prod)[] queries)
    {
        var directory = Path.Combine(_directory, $"run-{Interlocked.Increment(ref _run)}");
        using var store = LiteDbStore.Open(directory);
        var projects = new LiteDbProjectStore(store);
        var model = new Dictionary<string, Project>();
        void Create((int Org, string Name, bool Prod) spec)
        {
            var project = NewProject(Orgs[spec.Org], spec.Name, spec.Prod ? "prod" : "dev");
            if (projects.CreateGitAsync(project, requestId: null).Result.Outcome == CreateOutcome.Created)
            {
                model.Add(project.QualifiedName, project);
            }
        }

        foreach (var spec in before)
        {
            Create(spec);
        }

        // The first text query builds the index; what follows is kept in it by create and delete.
        _ = NamesAsync(projects, "a", org: null, env: null).Result;
        foreach (var spec in after)
        {
            Create(spec);
        }

        foreach (var pick in deletions.Where(_ => model.Count > 0))
        {
            var victim = model.Values.OrderBy(p => p.QualifiedName, StringComparer.Ordinal).ElementAt(pick % model.Count);
            projects.DeleteAsync(new ProjectDeletion(victim.Id, victim.QualifiedName, "test", DateTimeOffset.UnixEpoch, [])).Wait();
            model.Remove(victim.QualifiedName);
        }

        foreach (var (needle, pageSize, org, prod) in queries)
        {
            var orgName = org < 0 ? null : Orgs[org];
            var env = prod ? "prod" : null;
            // The unfiltered listing's order (the database's), with the names checked one by one.
            var expected = AllPages(projects, new ProjectFilter(orgName, env, null, [], null), pageSize: 7)
                .Where(p => p.Name.Contains(needle, StringComparison.Ordinal))
                .Select(p => p.QualifiedName)
                .ToList();
            Assert.Equal(model.Values.Count(p => p.Name.Contains(needle, StringComparison.Ordinal) && (orgName is null || p.Org == orgName) && (env is null || p.Env == env)), expected.Count);
            var found = AllPages(projects, new ProjectFilter(orgName, env, null, [], needle), pageSize).Select(p => p.QualifiedName).ToList();
            Assert.Equal(expected, found);
        }
    }

    private static List<Project> AllPages(LiteDbProjectStore projects, ProjectFilter filter, int pageSize)
    {
        var all = new List<Project>();
        string? token = null;
        do
        {
            var page = projects.ListAsync(filter, new PageRequest(pageSize, token)).Result;
            Assert.True(page.Items.Count <= pageSize);
            all.AddRange(page.Items);
            token = page.NextKey;
        }
        while (token is not null);
        return all;
    }

    private static async Task<List<string>> NamesAsync(LiteDbProjectStore projects, string text, string? org, string? env) =>
        (await projects.ListAsync(new ProjectFilter(org, env, null, [], text), new PageRequest(100, null))).Items.Select(p => p.Name).ToList();

    private static Project NewProject(string org, string name, string env) =>
        new(Guid.NewGuid().ToString("N"), org, name, env, new Dictionary<string, string>(), null, PipelineControls.Default, new Dictionary<string, object?>(), 0, ProjectStatus.New, null, DateTimeOffset.UnixEpoch, "test", DateTimeOffset.UnixEpoch)
        {
            Git = new ProjectGit("https://git.example/acme/infra.git", "main", "/", null, null),
        };

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
