using System.Diagnostics;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Storage.LiteDb;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Bench;

/// <summary>
/// ListProjects with a text filter at 10,000 and 100,000 projects (names like <c>payments-api-04242</c> in ten
/// orgs, written through the store's own create), against the unfiltered first page from the same server.
/// Each needle is asked for its first page of 100 and then for its second, 200 times, one caller at a time.
/// </summary>
internal static class SearchBench
{
    private const int Calls = 200;
    private static readonly string[] Teams = ["payments", "ledger", "search", "identity", "billing", "catalog", "orders", "shipping", "pricing", "reviews", "media", "fraud"];
    private static readonly string[] Services = ["api", "worker", "db", "cache", "queue", "web", "cron", "gateway"];

    /// <summary>The needles: a short one (walks the names in memory), sparse, dense, a rare pair of common trigrams, none.</summary>
    private static readonly string[] Needles = ["99", "4242", "api", "ledger-api", "fraud-cron-0", "zzz"];

    public static async Task<int> RunAsync()
    {
        var p99 = new Dictionary<(int, string), double>();
        foreach (var count in Sizes())
        {
            var data = Directory.CreateTempSubdirectory("infragrpc-bench-search-").FullName;
            var filling = Stopwatch.StartNew();
            await FillAsync(data, count);
            Console.WriteLine($"search: {count:N0} projects written through the store in {filling.Elapsed.TotalSeconds:F1} s");
            await using var server = await BenchServer.StartOnAsync(data);
            var baseline = await MeasureAsync(server, string.Empty);
            p99[(count, string.Empty)] = baseline.P99;
            Console.WriteLine($"search: {count:N0} projects: no filter (baseline): p50 {baseline.P50:F2} ms, p99 {baseline.P99:F2} ms");
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            foreach (var needle in Needles)
            {
                var result = await MeasureAsync(server, needle);
                p99[(count, needle)] = result.P99;
                Console.WriteLine(
                    $"search: {count:N0} projects: filter \"{needle}\" ({result.Matches:N0} matches): p50 {result.P50:F2} ms, p99 {result.P99:F2} ms, ratio to no filter {result.P99 / baseline.P99:F2} (goal p99 < 50 ms)");
            }

            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            Console.WriteLine($"search: {count:N0} projects: managed heap {heapBefore / 1048576.0:F0} MB before the first text filter, {heapAfter / 1048576.0:F0} MB after (the name index and what LiteDB cached)");
        }

        var sizes = Sizes().ToArray();
        if (sizes.Length == 2)
        {
            foreach (var needle in Needles.Prepend(string.Empty))
            {
                Console.WriteLine($"search: growth of p99 from {sizes[0]:N0} to {sizes[1]:N0} projects, filter \"{needle}\": {p99[(sizes[1], needle)] / p99[(sizes[0], needle)]:F2}x for {sizes[1] / sizes[0]}x the projects (sub-linear: < {sizes[1] / sizes[0]})");
            }
        }

        return 0;
    }

    private static IEnumerable<int> Sizes() =>
        Environment.GetEnvironmentVariable("BENCH_SEARCH_PROJECTS") is { Length: > 0 } given ? given.Split(',').Select(int.Parse) : [10_000, 100_000];

    private static async Task FillAsync(string data, int count)
    {
        using var store = LiteDbStore.Open(data);
        var projects = new LiteDbProjectStore(store);
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var name = $"{Teams[i % Teams.Length]}-{Services[i / Teams.Length % Services.Length]}-{i:D5}";
            var project = new Project(Guid.CreateVersion7().ToString("N"), $"org-{i % 10}", name, i % 3 == 0 ? "prod" : "dev", new Dictionary<string, string>(), null, PipelineControls.Default, new Dictionary<string, object?>(), 0, ProjectStatus.New, null, at, "bench", at)
            {
                Git = new ProjectGit("https://git.example/bench/infra.git", "main", name, null, null),
            };
            await projects.CreateGitAsync(project, requestId: null);
        }
    }

    private static async Task<(double P50, double P99, int Matches)> MeasureAsync(BenchServer server, string needle)
    {
        var matches = 0;
        var token = string.Empty;
        do
        {
            var page = await server.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Filter = needle, PageSize = 500, PageToken = token });
            matches += page.Projects.Count;
            token = page.NextPageToken;
        }
        while (token.Length > 0 && needle.Length > 0);

        var times = new List<double>();
        for (var i = 0; i < Calls; i++)
        {
            var clock = Stopwatch.StartNew();
            var first = await server.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Filter = needle, PageSize = 100 });
            times.Add(clock.Elapsed.TotalMilliseconds);
            if (first.NextPageToken.Length > 0)
            {
                clock.Restart();
                await server.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Filter = needle, PageSize = 100, PageToken = first.NextPageToken });
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        return (times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.99) - 1], matches);
    }
}
