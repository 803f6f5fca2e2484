using System.Diagnostics;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Bench;

/// <summary>
/// Runs a 1,000-node pipeline (10 layers of 100, about 20 ms per stack job, parallelism 32) on the
/// real server in this process and compares its wall time with the ideal computed from the same run:
/// max(critical path, total work / parallelism), where each node's work is its recorded duration.
/// </summary>
internal static class EngineBench
{
    private const int Parallelism = 32;

    /// <summary>Runs the benchmark on a server with <paramref name="settings"/> added (another store, for example).</summary>
    public static async Task<int> RunAsync(params string[] settings)
    {
        await using var server = await BenchServer.StartAsync([$"--InfraGrpc:Pipelines:Parallelism={Parallelism}", "--InfraGrpc:Simulated:Latency=00:00:00.0066", .. settings]);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var created = await server.Projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = "engine-bench", Org = "bench", ChartFiles = BenchServer.Layered("engine-bench", layers: 10, width: 100) });
        var cpuCreate = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Console.WriteLine($"engine: creating the project (render, validate and store 1000 manifests, launch) took {cpuCreate.TotalMilliseconds:F0} ms of CPU");
        var pipeline = await server.WaitAsync(created.Pipeline.Id);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Report(pipeline, cpu);
        return pipeline.Result == Proto.PipelineResult.Succeeded ? 0 : 1;
    }

    private static void Report(Proto.Pipeline pipeline, TimeSpan cpu)
    {
        var nodes = pipeline.Nodes.ToDictionary(n => n.Key);
        var duration = nodes.ToDictionary(n => n.Key, n => (n.Value.StackJob.EndTime.ToDateTimeOffset() - n.Value.StackJob.StartTime.ToDateTimeOffset()).TotalMilliseconds);
        var finish = new Dictionary<string, double>();
        double Longest(string key) => finish.TryGetValue(key, out var known)
            ? known
            : finish[key] = duration[key] + nodes[key].Producers.Select(Longest).DefaultIfEmpty(0).Max();
        var criticalPath = nodes.Keys.Max(Longest);
        var totalWork = duration.Values.Sum();
        var ideal = Math.Max(criticalPath, totalWork / Parallelism);
        var deploy = pipeline.Stages.Single(s => s.Kind == Proto.PipelineStageKind.Deploy);
        var wall = (deploy.EndTime.ToDateTimeOffset() - deploy.StartTime.ToDateTimeOffset()).TotalMilliseconds;
        Console.WriteLine($"engine: {nodes.Count} nodes, parallelism {Parallelism}, mean stack job {totalWork / nodes.Count:F1} ms, result {pipeline.Result}");
        Console.WriteLine($"engine: deploy stage {wall:F0} ms; ideal max(critical path {criticalPath:F0} ms, work/parallelism {totalWork / Parallelism:F0} ms) = {ideal:F0} ms; ratio {wall / ideal:F3}");
        Console.WriteLine($"engine: process CPU {cpu.TotalMilliseconds:F0} ms for {nodes.Count} nodes = {cpu.TotalMilliseconds / nodes.Count:F2} ms per node (server, store, simulated cloud and the watching client together)");
    }
}
