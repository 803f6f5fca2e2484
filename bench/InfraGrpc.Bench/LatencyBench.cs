using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using InfraGrpc.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Bench;

/// <summary>
/// Durable before visible costs a store write between a change and its watchers. This measures the
/// delay from each change (its event time) to its arrival at a watcher, over a 100-node pipeline
/// (10 layers of 10, parallelism 8, 20 ms per operation) on the real server in this process, with a
/// baseline from the same run: the round trip of a small unary call (GetProject) sampled throughout.
/// </summary>
internal static class LatencyBench
{
    public static async Task<int> RunAsync()
    {
        var data = Directory.CreateTempSubdirectory("infragrpc-bench-").FullName;
        var app = InfraGrpcServer.Build([
            "--InfraGrpc:GrpcUrl=http://127.0.0.1:0", "--InfraGrpc:HttpUrl=http://127.0.0.1:0", $"--InfraGrpc:DataDirectory={data}",
            "--InfraGrpc:ChartsDirectory=", "--InfraGrpc:Pipelines:Parallelism=8",
            "--InfraGrpc:Simulated:Latency=00:00:00.020", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        try
        {
            using var channel = GrpcChannel.ForAddress(app.Services.GetRequiredService<ListenerAddresses>().GrpcUri);
            var projects = new Proto.InfraProjectService.InfraProjectServiceClient(channel);
            var pipelines = new Proto.PipelineService.PipelineServiceClient(channel);
            var files = new Proto.ChartFiles();
            files.Files.Add(BenchCharts.Layered("latency-bench", layers: 10, width: 10).Select(f => new Proto.ChartFile { Path = f.Key, Content = ByteString.CopyFromUtf8(f.Value) }));
            var delays = new List<double>();
            var roundTrips = new List<double>();
            for (var run = 0; run < 3; run++)
            {
                var created = await projects.CreateProjectAsync(new Proto.CreateProjectRequest { Name = $"latency-{run}", Org = "bench", ChartFiles = files });
                using var sampling = new CancellationTokenSource();
                var sampler = SampleAsync(projects, created.Project.Id, roundTrips, sampling.Token);
                using (var watch = pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = created.Pipeline.Id }))
                {
                    await foreach (var e in watch.ResponseStream.ReadAllAsync())
                    {
                        if (e.EventCase != Proto.WatchPipelineResponse.EventOneofCase.Snapshot)
                        {
                            delays.Add((DateTimeOffset.UtcNow - e.Time.ToDateTimeOffset()).TotalMilliseconds);
                        }

                        if (e.Terminal)
                        {
                            break;
                        }
                    }
                }

                await sampling.CancelAsync();
                await sampler;
            }

            var p99 = Percentile(delays, 0.99);
            var baseline = Percentile(roundTrips, 0.99);
            Console.WriteLine($"latency: change to watcher over {delays.Count} events of 3 pipelines of 100 nodes: p50 {Percentile(delays, 0.5):F1} ms, p99 {p99:F1} ms " +
                $"(target < 100 ms: {(p99 < 100 ? "met" : "not met")}); GetProject round trip in the same run p50 {Percentile(roundTrips, 0.5):F1} ms, p99 {baseline:F1} ms over {roundTrips.Count} calls; p99 ratio {p99 / Math.Max(baseline, 0.001):F2}");
            return p99 < 100 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task SampleAsync(Proto.InfraProjectService.InfraProjectServiceClient projects, string projectId, List<double> roundTrips, CancellationToken cancellationToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await tick.WaitForNextTickAsync(cancellationToken))
            {
                var started = Stopwatch.GetTimestamp();
                await projects.GetProjectAsync(new Proto.GetProjectRequest { Project = projectId }, cancellationToken: cancellationToken);
                roundTrips.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
        }
    }

    private static double Percentile(List<double> values, double p) =>
        values.Count == 0 ? 0 : values.Order().ElementAt((int)Math.Min(values.Count - 1, Math.Ceiling(p * values.Count) - 1));
}
