using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using InfraGrpc.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Bench;

/// <summary>A real server in this process on loopback ports and its own data directory, with clients over one channel.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;
    private readonly GrpcChannel _channel;

    private BenchServer(WebApplication app, string data)
    {
        (_app, _data) = (app, data);
        _channel = GrpcChannel.ForAddress(app.Services.GetRequiredService<ListenerAddresses>().GrpcUri, new GrpcChannelOptions { MaxReceiveMessageSize = 256 * 1024 * 1024 });
        Projects = new Proto.InfraProjectService.InfraProjectServiceClient(_channel);
        Pipelines = new Proto.PipelineService.PipelineServiceClient(_channel);
    }

    public Proto.InfraProjectService.InfraProjectServiceClient Projects { get; }

    public GrpcChannel Channel => _channel;

    public Proto.PipelineService.PipelineServiceClient Pipelines { get; }

    /// <summary>The rounds of the interleaved benchmarks: BENCH_ROUNDS, 3 by default.</summary>
    public static int Rounds { get; } = int.TryParse(Environment.GetEnvironmentVariable("BENCH_ROUNDS"), out var rounds) ? rounds : 3;

    /// <summary>Starts a server with <paramref name="settings"/> added to the loopback, data and quiet-log ones.</summary>
    public static Task<BenchServer> StartAsync(params string[] settings) =>
        StartOnAsync(Directory.CreateTempSubdirectory("infragrpc-bench-").FullName, settings);

    /// <summary>Starts a server on an existing data directory, which it deletes when disposed.</summary>
    public static async Task<BenchServer> StartOnAsync(string data, params string[] settings)
    {
        var app = InfraGrpcServer.Build([
            "--InfraGrpc:GrpcUrl=http://127.0.0.1:0", "--InfraGrpc:HttpUrl=http://127.0.0.1:0", $"--InfraGrpc:DataDirectory={data}",
            "--InfraGrpc:ChartsDirectory=", "--Logging:LogLevel:Default=Warning", .. settings]);
        await app.StartAsync();
        return new BenchServer(app, data);
    }

    /// <summary>The files of a generated layered chart, as a request's inline chart.</summary>
    public static Proto.ChartFiles Layered(string name, int layers, int width)
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(BenchCharts.Layered(name, layers, width).Select(f => new Proto.ChartFile { Path = f.Key, Content = ByteString.CopyFromUtf8(f.Value) }));
        return files;
    }

    /// <summary>Follows a pipeline to its terminal event and returns it as stored.</summary>
    public async Task<Proto.Pipeline> WaitAsync(string pipelineId)
    {
        using (var watch = Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId }))
        {
            await foreach (var e in watch.ResponseStream.ReadAllAsync())
            {
                if (e.Terminal)
                {
                    break;
                }
            }
        }

        return (await Pipelines.GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = pipelineId })).Pipeline;
    }

    /// <summary>Waits (on the pipeline's own stream) until it holds at a pending manual gate.</summary>
    public async Task WaitForGateAsync(string pipelineId)
    {
        using var watch = Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId, FromStart = true });
        await foreach (var e in watch.ResponseStream.ReadAllAsync())
        {
            if (e.GateChanged is { State: Proto.ManualGateState.Pending } || e.Terminal)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
