using Grpc.Core;
using Grpc.Net.Client;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Typed clients over one channel, with helpers that wait on events, never on time.</summary>
public sealed class Clients(GrpcChannel channel)
{
    public Proto.InfraChartService.InfraChartServiceClient Charts { get; } = new(channel);

    public Proto.InfraProjectService.InfraProjectServiceClient Projects { get; } = new(channel);

    public Proto.PipelineService.PipelineServiceClient Pipelines { get; } = new(channel);

    public Proto.AccessService.AccessServiceClient Access { get; } = new(channel);

    public static Metadata As(string token) => new() { { "authorization", "Bearer " + token } };

    /// <summary>Follows a pipeline's watch stream to its terminal event and returns the final pipeline.</summary>
    public async Task<Proto.Pipeline> WaitAsync(string pipelineId, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        using var call = Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId }, cancellationToken: cancellation.Token);
        await foreach (var e in call.ResponseStream.ReadAllAsync(cancellation.Token))
        {
            if (e.Terminal)
            {
                break;
            }
        }

        return (await Pipelines.GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = pipelineId })).Pipeline;
    }

    /// <summary>Reads a watch stream until <paramref name="until"/> holds for an event, then returns the pipeline.</summary>
    public async Task WatchUntilAsync(string pipelineId, Func<Proto.WatchPipelineResponse, bool> until, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        using var call = Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = pipelineId }, cancellationToken: cancellation.Token);
        await foreach (var e in call.ResponseStream.ReadAllAsync(cancellation.Token))
        {
            if (until(e))
            {
                return;
            }
        }

        throw new Xunit.Sdk.XunitException("the pipeline completed before the awaited event");
    }

    public async Task<Proto.CreateProjectResponse> CreateAsync(string name, string chart, string env, params string[] sets) =>
        await CreateAsync(name, chart, env, null, sets);

    public async Task<Proto.CreateProjectResponse> CreateAsync(string name, string chart, string env, Metadata? headers, params string[] sets)
    {
        var request = new Proto.CreateProjectRequest
        {
            Name = name,
            Org = "acme",
            Env = env,
            Chart = new Proto.ChartReference { Name = chart },
            Values = new Proto.ValuesInput { Set = { sets } },
        };
        return await Projects.CreateProjectAsync(request, headers);
    }
}
