using System.Diagnostics;
using LiteDB;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Bench;

/// <summary>
/// The create path: CreateProject of a 50-resource chart (inline, pipelines disabled) from one caller for
/// 3 s, against the physical baseline of the same run: a bare LiteDB insert and commit, on a fresh file,
/// of one document as large as the project's rendered manifests. Three alternated rounds.
/// </summary>
internal static class CreateBench
{
    private static int Rounds => BenchServer.Rounds;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync()
    {
        await using var server = await BenchServer.StartAsync();
        var files = BenchServer.Layered("create-bench", layers: 5, width: 10);
        var sample = await server.Projects.CreateProjectAsync(Request(files, "create-sample"));
        var bytes = sample.Revision.Resources.Sum(r => System.Text.Encoding.UTF8.GetByteCount(r.Yaml));
        var counter = 0;
        await MeasureAsync(() => server.Projects.CreateProjectAsync(Request(files, $"warm-{counter++}")).ResponseAsync, TimeSpan.FromSeconds(1));
        var ratios = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var ours = 0.0;
            var bare = 0.0;
            foreach (var which in round % 2 == 0 ? new[] { "ours", "bare" } : ["bare", "ours"])
            {
                if (which == "ours")
                {
                    ours = await MeasureAsync(() => server.Projects.CreateProjectAsync(Request(files, $"c-{counter++}")).ResponseAsync);
                }
                else
                {
                    bare = BareInsert(bytes);
                }
            }

            ratios.Add(ours / bare);
            Console.WriteLine($"create: round {round + 1}: CreateProject {ours:F0}/s, bare LiteDB insert+commit of {bytes / 1024} KB {bare:F0}/s, ratio {ours / bare:F3}");
        }

        ratios.Sort();
        Console.WriteLine($"create: CreateProject of 50 resources / bare LiteDB insert of the same size: ratio {ratios[0]:F3}/{ratios[ratios.Count / 2]:F3}/{ratios[^1]:F3} (min/median/max; goal >= 0.3)");
        return 0;
    }

    internal static Proto.CreateProjectRequest Request(Proto.ChartFiles files, string name) => new()
    {
        Name = name,
        Org = "bench",
        ChartFiles = files,
        Controls = new Proto.PipelineControls { DisablePipelines = true },
    };

    internal static async Task<double> MeasureAsync(Func<Task> call, TimeSpan? duration = null)
    {
        var clock = Stopwatch.StartNew();
        var calls = 0;
        while (clock.Elapsed < (duration ?? Duration))
        {
            await call();
            calls++;
        }

        return calls / clock.Elapsed.TotalSeconds;
    }

    private static double BareInsert(int bytes)
    {
        var directory = Directory.CreateTempSubdirectory("infragrpc-bench-litedb-").FullName;
        try
        {
            using var database = new LiteDatabase(new ConnectionString { Filename = Path.Combine(directory, "bare.db"), Connection = ConnectionType.Direct });
            var collection = database.GetCollection("documents");
            var payload = new string('x', bytes);
            var clock = Stopwatch.StartNew();
            var inserts = 0;
            while (clock.Elapsed < Duration)
            {
                database.BeginTrans();
                collection.Insert(new BsonDocument { ["_id"] = $"d-{inserts}", ["json"] = payload });
                database.Commit();
                inserts++;
            }

            return inserts / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
