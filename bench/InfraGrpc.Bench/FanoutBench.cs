using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Bench;

/// <summary>
/// Live status to many watchers. On the real server in this process, a 200-node pipeline (10 layers of 20,
/// parallelism 16, 20 ms per simulated operation) waits at its gate until every watcher holds its snapshot;
/// then each watcher records, per event, the delay from the change (its event time) to its arrival, the
/// gaps in its sequence, its resynchronisations and whether it saw the terminal event. Three interleaved
/// rounds of 1, 50 and 500 watchers (all batching, as the clients do), plus one watcher that takes 5 ms
/// per message. Then throughput: the same pipeline without simulated latency to 500 watchers (events
/// delivered per second), against a bare Kestrel gRPC streaming method of the same process pushing the same
/// number of messages of the same kind to 500 streams.
/// </summary>
internal static class FanoutBench
{
    private static int Rounds => BenchServer.Rounds;

    public static async Task<int> RunAsync()
    {
        await using var server = await BenchServer.StartAsync("--InfraGrpc:Pipelines:Parallelism=16", "--InfraGrpc:Simulated:Latency=00:00:00.020");
        await using var fast = await BenchServer.StartAsync("--InfraGrpc:Pipelines:Parallelism=32", "--InfraGrpc:Simulated:Latency=00:00:00");
        await using var bare = await BarePush.StartAsync();
        await MeasureAsync(server, 5, "warm-up", slowMs: 0); // JIT, not counted
        var results = new Dictionary<string, List<Result>>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var watchers in round % 2 == 0 ? new[] { 1, 50, 500 } : [500, 50, 1])
            {
                if (Environment.GetEnvironmentVariable("BENCH_ONLY") is { } only && only != watchers.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    continue;
                }

                Add(results, $"{watchers} watchers", await MeasureAsync(server, watchers, $"r{round}w{watchers}", slowMs: 0));
            }

            if (Environment.GetEnvironmentVariable("BENCH_ONLY") is not null)
            {
                continue;
            }

            Add(results, "1 watcher at 5 ms per message", await MeasureAsync(server, 1, $"r{round}slow", slowMs: 5));
            var ours = await MeasureAsync(fast, 500, $"r{round}tp", slowMs: 0);
            Add(results, "throughput 500", ours);
            var perWatcher = (int)(ours.Events / 500);
            var pushed = await bare.PushAsync(500, perWatcher, ours.Sample!);
            Add(results, "bare 500", pushed);
            Console.WriteLine($"fanout: round {round + 1}: ours {ours.EventsPerSecond:F0} events/s ({ours.Messages} messages), bare Kestrel {pushed.EventsPerSecond:F0} messages/s; ratio {ours.EventsPerSecond / pushed.EventsPerSecond:F2}");
        }

        Console.WriteLine();
        Console.WriteLine("scenario, measured (min/median/max over the rounds), baseline, ratio");
        var single = results["1 watchers"];
        foreach (var (name, rounds) in results.Where(r => !r.Key.StartsWith("throughput", StringComparison.Ordinal) && !r.Key.StartsWith("bare", StringComparison.Ordinal)))
        {
            var ratios = rounds.Zip(single, (r, s) => r.P99 / Math.Max(s.P99, 0.001)).ToList();
            Console.WriteLine($"{name}: p50 {Range(rounds.Select(r => r.P50))} ms, p99 {Range(rounds.Select(r => r.P99))} ms, " +
                $"gaps {rounds.Sum(r => r.Gaps)}, resyncs {Range(rounds.Select(r => (double)r.Resyncs), "F0")}, terminal events {rounds.Sum(r => r.Terminals)}/{rounds.Sum(r => r.Watchers)}, " +
                $"messages per watcher {Range(rounds.Select(r => (double)r.Messages / r.Watchers), "F0")} for {Range(rounds.Select(r => (double)r.Events / r.Watchers), "F0")} events" +
                $"; baseline 1 watcher p99 {Range(single.Select(s => s.P99))} ms; ratio {Range(ratios, "F2")}; goal p99 < 100 ms: {(rounds.All(r => r.P99 < 100) ? "met" : "not met")}");
        }

        // What every watcher pays per event whatever the server does: parsing it (one core, the sample event).
        var sampleBytes = Google.Protobuf.MessageExtensions.ToByteArray(results["throughput 500"][0].Sample!);
        var parseClock = Stopwatch.StartNew();
        const int Parses = 200_000;
        for (var i = 0; i < Parses; i++)
        {
            Proto.WatchPipelineResponse.Parser.ParseFrom(sampleBytes);
        }

        var parseMicros = parseClock.Elapsed.TotalMicroseconds / Parses;
        var perRun = results["500 watchers"].Average(r => (double)r.Events);
        Console.WriteLine($"client cost: parsing one node event ({sampleBytes.Length} bytes) takes {parseMicros:F2} µs on one core; the 500 watchers of one pipeline parse {perRun:F0} events = {perRun * parseMicros / 1e6:F2} s of CPU");
        var throughput = results["throughput 500"].Zip(results["bare 500"], (o, b) => o.EventsPerSecond / b.EventsPerSecond).ToList();
        Console.WriteLine($"throughput, 500 watchers: {Range(results["throughput 500"].Select(r => r.EventsPerSecond), "F0")} events/s; " +
            $"baseline bare Kestrel {Range(results["bare 500"].Select(r => r.EventsPerSecond), "F0")} messages/s; ratio {Range(throughput, "F2")} (goal >= 0.5)");
        return 0;
    }

    private static void Add(Dictionary<string, List<Result>> results, string name, Result result)
    {
        if (!results.TryGetValue(name, out var list))
        {
            results[name] = list = [];
        }

        list.Add(result);
        Console.WriteLine($"fanout: {name}: p50 {result.P50:F1} ms, p99 {result.P99:F1} ms, {result.Events} events in {result.Messages} messages, gaps {result.Gaps}, resyncs {result.Resyncs}, terminals {result.Terminals}/{result.Watchers}");
    }

    private static string Range(IEnumerable<double> values, string format = "F1")
    {
        var sorted = values.Order().ToList();
        return $"{sorted[0].ToString(format, System.Globalization.CultureInfo.InvariantCulture)}/{sorted[sorted.Count / 2].ToString(format, System.Globalization.CultureInfo.InvariantCulture)}/{sorted[^1].ToString(format, System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static async Task<Result> MeasureAsync(BenchServer server, int watchers, string name, int slowMs)
    {
        var created = await server.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = $"fanout-{name}",
            Org = "bench",
            ChartFiles = BenchServer.Layered($"fanout-{name}", layers: 10, width: 20),
            Controls = new Proto.PipelineControls { RequireApproval = true },
        });
        var id = created.Pipeline.Id;
        await server.WaitForGateAsync(id);
        var ready = new CountdownEvent(watchers);
        var approved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, watchers).Select(_ => Task.Run(() => WatchAsync(server.Pipelines, id, ready, approved.Task, slowMs))).ToList();
        await Task.Run(ready.Wait);
        var clock = Stopwatch.StartNew();
        await server.Pipelines.ResolveManualGateAsync(new Proto.ResolveManualGateRequest { PipelineId = id, Approve = true });
        approved.SetResult();
        var watches = await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        var delays = watches.SelectMany(w => w.Delays).Order().ToList();
        double Percentile(double p) => delays.Count == 0 ? 0 : delays[(int)Math.Min(delays.Count - 1, Math.Ceiling(p * delays.Count) - 1)];
        var events = watches.Sum(w => (long)w.Delays.Count);
        return new Result(watchers, Percentile(0.5), Percentile(0.99), watches.Sum(w => w.Gaps), watches.Sum(w => w.Resyncs), watches.Count(w => w.Terminal),
            events, watches.Sum(w => (long)w.Messages), events / elapsed.TotalSeconds)
        { Sample = watches[0].Sample };
    }

    private static async Task<Watch> WatchAsync(Proto.PipelineService.PipelineServiceClient pipelines, string id, CountdownEvent ready, Task approved, int slowMs)
    {
        var watch = new Watch();
        using var call = pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = id, AllowBatches = true });
        var first = true;
        ulong last = 0;
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            var arrived = DateTimeOffset.UtcNow;
            watch.Messages++;
            if (first)
            {
                first = false;
                last = message.Sequence;
                ready.Signal();
                await approved;
                continue;
            }

            foreach (var e in message.Events.Count > 0 ? message.Events : [message])
            {
                if (e.EventCase == Proto.WatchPipelineResponse.EventOneofCase.Snapshot)
                {
                    watch.Resyncs++;
                }
                else
                {
                    if (e.EventCase == Proto.WatchPipelineResponse.EventOneofCase.NodeChanged)
                    {
                        watch.Sample = e;
                    }

                    watch.Delays.Add((arrived - e.Time.ToDateTimeOffset()).TotalMilliseconds);
                    if (e.Sequence != last + 1)
                    {
                        watch.Gaps++;
                    }
                }

                last = e.Sequence;
                watch.Terminal |= e.Terminal;
            }

            if (slowMs > 0)
            {
                await Task.Delay(slowMs); // the slow consumer this scenario is about
            }
        }

        return watch;
    }

    private sealed class Watch
    {
        public List<double> Delays { get; } = [];

        public int Gaps { get; set; }

        public int Resyncs { get; set; }

        public int Messages { get; set; }

        public bool Terminal { get; set; }

        public Proto.WatchPipelineResponse? Sample { get; set; }
    }

    internal sealed record Result(int Watchers, double P50, double P99, int Gaps, int Resyncs, int Terminals, long Events, long Messages, double EventsPerSecond)
    {
        /// <summary>A node event as the watchers received it: what the bare baseline pushes.</summary>
        public Proto.WatchPipelineResponse? Sample { get; init; }
    }

    /// <summary>The physical baseline: a Kestrel gRPC server with nothing but a streaming method that writes one node event again and again.</summary>
    private sealed class BarePush : IAsyncDisposable
    {
        private readonly Microsoft.AspNetCore.Builder.WebApplication _app;
        private readonly GrpcChannel _channel;

        private BarePush(Microsoft.AspNetCore.Builder.WebApplication app, Uri address)
        {
            _app = app;
            _channel = GrpcChannel.ForAddress(address);
        }

        public static async Task<BarePush> StartAsync()
        {
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
            builder.Services.AddGrpc();
            var app = builder.Build();
            app.MapGrpcService<PushService>();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .GetRequiredFeature<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>().Addresses.Single();
            return new BarePush(app, new Uri(address));
        }

        public async Task<Result> PushAsync(int streams, int messages, Proto.WatchPipelineResponse sample)
        {
            PushService.Message = sample;
            var client = new Proto.PipelineService.PipelineServiceClient(_channel);
            var clock = Stopwatch.StartNew();
            var counts = await Task.WhenAll(Enumerable.Range(0, streams).Select(_ => Task.Run(async () =>
            {
                using var call = client.WatchPipeline(new Proto.WatchPipelineRequest { AfterSequence = (ulong)messages });
                var received = 0L;
                await foreach (var m in call.ResponseStream.ReadAllAsync())
                {
                    received++;
                }

                return received;
            })));
            var total = counts.Sum();
            return new Result(streams, 0, 0, 0, 0, streams, total, total, total / clock.Elapsed.TotalSeconds);
        }

        public async ValueTask DisposeAsync()
        {
            _channel.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>The bare streaming method: after_sequence copies of one message.</summary>
    private sealed class PushService : Proto.PipelineService.PipelineServiceBase
    {
        public static Proto.WatchPipelineResponse Message { get; set; } = new();

        public override async Task WatchPipeline(Proto.WatchPipelineRequest request, IServerStreamWriter<Proto.WatchPipelineResponse> responseStream, ServerCallContext context)
        {
            for (ulong i = 0; i < request.AfterSequence; i++)
            {
                await responseStream.WriteAsync(Message, context.CancellationToken);
            }
        }
    }
}
