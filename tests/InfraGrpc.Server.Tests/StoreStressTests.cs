using System.Globalization;
using Grpc.Core;
using InfraGrpc.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// Rounds of 8 parallel creates, updates and pipelines, each round on a fresh data directory (where
/// LiteDB issue #2792 struck when collections were created by their first writes). The number of rounds
/// is <c>INFRAGRPC_STRESS_ROUNDS</c> (default 5); <c>bench/stress.sh</c> runs 200.
/// </summary>
public sealed class StoreStressTests(ITestOutputHelper output)
{
    private const int Writers = 8;

    [Fact]
    public async Task FreshStore_ParallelCreatesUpdatesAndPipelines_NeverFailTheEngine()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("INFRAGRPC_STRESS_ROUNDS"), CultureInfo.InvariantCulture, out var n) ? n : 5;
        var failures = new List<string>();
        var pipelines = 0;
        for (var round = 0; round < rounds; round++)
        {
            var host = await ServerHost.StartAsync(null, "--InfraGrpc:Simulated:Latency=00:00:00");
            try
            {
                var api = new Clients(host.Channel);
                await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = FiveEnvironmentStoryTests.StoryChart("1.0.0", null) });
                var outcomes = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(() => WriteAsync(api, i))));
                failures.AddRange(outcomes.SelectMany(o => o.Failures).Select(f => $"round {round}: {f}"));
                pipelines += outcomes.Sum(o => o.Pipelines);
                if (host.Services.GetRequiredService<StoreWatchdog>().Failed)
                {
                    failures.Add($"round {round}: the store failed fatally");
                }
            }
            finally
            {
                await host.DisposeAsync();
                Directory.Delete(host.DataDirectory, recursive: true);
            }
        }

        output.WriteLine($"stress: {rounds} rounds x {Writers} writers, {pipelines} pipelines, {failures.Count} engine failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
    }

    private static async Task<(List<string> Failures, int Pipelines)> WriteAsync(Clients api, int writer)
    {
        var failures = new List<string>();
        var pipelines = 0;
        try
        {
            var created = await api.CreateAsync($"stress-{writer}", "web-env", "dev", "domain=s.io");
            var listed = await api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "acme" });
            var updated = await api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
            {
                Project = created.Project.Id,
                ValuesPatch = new Proto.ValuesInput { Set = { $"replicas={writer + 3}" } },
            });
            foreach (var id in new[] { created.Pipeline.Id, updated.Pipeline.Id })
            {
                var done = await api.WaitAsync(id);
                pipelines++;
                if (done.Result != Proto.PipelineResult.Succeeded)
                {
                    var nodes = string.Join("; ", done.Nodes.Where(node => node.StackJob.Result == Proto.PipelineResult.Failed).Select(node => $"{node.Key}: {node.StackJob.Reason}"));
                    failures.Add($"writer {writer}: pipeline {id} {done.Result} {done.Reason} ({nodes})");
                }
            }

            await api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = created.Project.Id });
            await api.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = created.Project.Id });
            Assert.NotNull(listed);
        }
        catch (RpcException e)
        {
            failures.Add($"writer {writer}: {e.StatusCode} {e.Status.Detail}");
        }

        return (failures, pipelines);
    }
}
