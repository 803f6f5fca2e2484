using System.Diagnostics;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Bench;

/// <summary>
/// The unary path: GetProject (by org/name, on a 10-resource project whose pipeline has completed) against
/// gRPC Health/Check on the same server and channel, 16 callers for 3 s each, alternated over three rounds.
/// </summary>
internal static class UnaryBench
{
    private const int Callers = 16;
    private static int Rounds => BenchServer.Rounds;

    public static async Task<int> RunAsync()
    {
        await using var server = await BenchServer.StartAsync();
        var created = await server.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "unary-bench", Org = "bench", ChartFiles = BenchServer.Layered("unary-bench", layers: 1, width: 10) });
        await server.WaitAsync(created.Pipeline.Id);
        var health = new Health.HealthClient(server.Channel);
        Func<Task> getProject = () => server.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "bench/unary-bench" }).ResponseAsync;
        Func<Task> check = () => health.CheckAsync(new HealthCheckRequest()).ResponseAsync;
        await MeasureAsync(getProject, TimeSpan.FromSeconds(1)); // warm-up
        await MeasureAsync(check, TimeSpan.FromSeconds(1));
        var ratios = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var (ours, baseline) = round % 2 == 0
                ? (await MeasureAsync(getProject), await MeasureAsync(check))
                : (await MeasureAsync(check), await MeasureAsync(getProject)) switch { var (b, o) => (o, b) };
            ratios.Add(ours / baseline);
            Console.WriteLine($"unary: round {round + 1}: GetProject {ours:F0}/s, Health/Check {baseline:F0}/s, ratio {ours / baseline:F2}");
        }

        ratios.Sort();
        Console.WriteLine($"unary: GetProject / Health/Check, {Callers} callers on one channel: ratio {ratios[0]:F2}/{ratios[ratios.Count / 2]:F2}/{ratios[^1]:F2} (min/median/max; goal >= 0.8)");
        return 0;
    }

    private static async Task<double> MeasureAsync(Func<Task> call, TimeSpan? duration = null)
    {
        var calls = 0L;
        using var stop = new CancellationTokenSource(duration ?? TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await call();
                Interlocked.Increment(ref calls);
            }
        })));
        return calls / clock.Elapsed.TotalSeconds;
    }
}
