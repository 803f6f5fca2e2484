using System.Diagnostics;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Bench;

/// <summary>
/// The cost of telemetry: the same server in this process with OpenTelemetry on (tracing, metrics, the
/// Prometheus exporter) and off, alternated over five rounds after a warm-up. Measured each time: the deploy stage of a
/// 1,000-node pipeline (parallelism 32), and GetProject throughput on a one-resource project from 16 callers on
/// one channel for 3 s.
/// Reported as on/off ratios (throughput) and off/on ratios (time), so 1.0 means free and the goal is ≥ 0.95.
/// </summary>
internal static class TelemetryBench
{
    private const int Rounds = 5;

    public static async Task<int> RunAsync()
    {
        var results = new Dictionary<bool, List<(double DeployMs, double CallsPerSecond)>> { [false] = [], [true] = [] };
        await MeasureAsync(false); // warm-up: JIT and the file system, not counted
        await MeasureAsync(true);
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var on in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                results[on].Add(await MeasureAsync(on));
                Console.WriteLine($"telemetry: round {round + 1}, {(on ? "on " : "off")}: deploy {results[on][^1].DeployMs:F0} ms, GetProject {results[on][^1].CallsPerSecond:F0}/s");
            }
        }

        static double Median(IEnumerable<double> xs) => xs.Order().ElementAt(Rounds / 2);
        var deployOff = Median(results[false].Select(r => r.DeployMs));
        var deployOn = Median(results[true].Select(r => r.DeployMs));
        var callsOff = Median(results[false].Select(r => r.CallsPerSecond));
        var callsOn = Median(results[true].Select(r => r.CallsPerSecond));
        Console.WriteLine($"telemetry: 1,000-node deploy, median of 5: off {deployOff:F0} ms, on {deployOn:F0} ms; off/on {deployOff / deployOn:F3} (goal >= 0.95)");
        Console.WriteLine($"telemetry: GetProject, 16 callers, median of 5: off {callsOff:F0}/s, on {callsOn:F0}/s; on/off {callsOn / callsOff:F3} (goal >= 0.95)");
        return 0;
    }

    private static async Task<(double DeployMs, double CallsPerSecond)> MeasureAsync(bool telemetry)
    {
        await using var server = await BenchServer.StartAsync("--InfraGrpc:Pipelines:Parallelism=32", $"--InfraGrpc:Telemetry:Enabled={telemetry}", "--InfraGrpc:Simulated:Latency=00:00:00.0066");
        var projects = server.Projects;
        var created = await projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "telemetry-bench", Org = "bench", ChartFiles = BenchServer.Layered("telemetry-bench", layers: 10, width: 100) });
        var pipeline = await server.WaitAsync(created.Pipeline.Id);
        var deploy = pipeline.Stages.Single(s => s.Kind == Proto.PipelineStageKind.Deploy);
        var deployMs = (deploy.EndTime.ToDateTimeOffset() - deploy.StartTime.ToDateTimeOffset()).TotalMilliseconds;

        // GetProject on a one-resource project, so the call is the server's and not the message's size.
        var target = (await projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "telemetry-small", Org = "bench", ChartFiles = BenchServer.Layered("telemetry-small", layers: 1, width: 1) })).Project.Id;
        for (var i = 0; i < 200; i++)
        {
            await projects.GetProjectAsync(new Proto.GetProjectRequest { Project = target }); // warm-up
        }

        var calls = 0L;
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        stop.CancelAfter(TimeSpan.FromSeconds(3));
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                await projects.GetProjectAsync(new Proto.GetProjectRequest { Project = target });
                Interlocked.Increment(ref calls);
            }
        }));
        return (deployMs, calls / clock.Elapsed.TotalSeconds);
    }
}
