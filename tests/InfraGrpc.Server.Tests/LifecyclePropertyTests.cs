using System.Globalization;
using CsCheck;
using Grpc.Core;
using Xunit.Abstractions;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>A server with both versions of the lifecycle chart, for upgrades and downgrades.</summary>
public sealed class LifecyclePropertyFixture() : ServerFixture("--InfraGrpc:Simulated:Latency=00:00:00")
{
    protected override async Task SeedAsync(Clients api)
    {
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = LifecycleChart.Files("1.0.0") });
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = LifecycleChart.Files("2.0.0") });
    }

    public Task<IReadOnlyList<string>> InventoryAsync(string projectId) => LifecycleServerFixture.InventoryOf(Host, projectId);
}

/// <summary>
/// Issue 12: random sequences of create, update (adding, removing and renaming resources), rollback,
/// upgrade, undeploy, redeploy, cancel and purge on the simulated provisioner. After every step the
/// simulated inventory equals the resources the record says are deployed; after a purge the project's
/// resources are gone. CI runs one fixed seed; <c>./bench/lifecycle.sh [sequences]</c> runs random ones.
/// </summary>
public sealed class LifecyclePropertyTests(LifecyclePropertyFixture server, ITestOutputHelper output) : IClassFixture<LifecyclePropertyFixture>
{
    private const string FixedSeed = "1xn1HwIbwfUS";
    private static readonly string[] Names = ["vpc", "db", "cache", "api", "web", "dns"];
    private static int _sequence;

    private Clients Api => server.Api;

    [Fact]
    public async Task RandomLifecycles_KeepTheInventoryEqualToTheRecord()
    {
        var runs = Setting("INFRAGRPC_LIFECYCLE_RUNS", 1);
        var steps = Setting("INFRAGRPC_LIFECYCLE_STEPS", 40);
        var seed = Environment.GetEnvironmentVariable("INFRAGRPC_LIFECYCLE_SEED") is { Length: > 0 } given ? given : runs == 1 ? FixedSeed : null;
        var stepsRun = 0;
        var sequences = 0;
        var mismatches = 0;

        try
        {
            await Gen.Select(Gen.Int[0, 8], Gen.Int[0, 1_000_000]).Array[steps].SampleAsync(
                async operations =>
                {
                    Interlocked.Increment(ref sequences);
                    var model = new Sequence(Interlocked.Increment(ref _sequence));
                    foreach (var (operation, argument) in operations)
                    {
                        await StepAsync(model, operation, argument);
                        Interlocked.Increment(ref stepsRun);
                        var problem = await CheckAsync(model);
                        if (problem is not null)
                        {
                            Interlocked.Increment(ref mismatches);
                            throw new Xunit.Sdk.XunitException($"after step {model.Log.Count} ({model.Log[^1]}): {problem}\nsteps: {string.Join("; ", model.Log)}");
                        }
                    }
                },
                seed: seed,
                iter: runs,
                threads: 1);
        }
        finally
        {
            output.WriteLine($"lifecycle: {sequences} sequences, {stepsRun} steps, {mismatches} mismatches (seed {seed ?? "random"})");
        }
    }

    private async Task StepAsync(Sequence model, int operation, int argument)
    {
        if (model.ProjectId is null)
        {
            var created = await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
            {
                Name = $"prop-{model.Number}-{model.Generation++}",
                Org = "prop",
                Env = "dev",
                Chart = new Proto.ChartReference { Name = LifecycleChart.Name, Version = "1.0.0" },
                Values = LifecycleChart.Values(Things(argument)),
            });
            model.ProjectId = created.Project.Id;
            model.Log.Add($"create {string.Join(",", Things(argument))}");
            await WaitAsync(created.Pipeline, model);
            return;
        }

        var id = model.ProjectId;
        switch (operation)
        {
            case 0 or 1 or 2:
                var things = Things(argument);
                model.Log.Add($"update {string.Join(",", things)}");
                var updated = await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, Values = LifecycleChart.Values(things) });
                await WaitAsync(updated.Pipeline, model);
                break;
            case 3:
                var project = await ProjectAsync(id);
                var to = 1 + (argument % project.CurrentRevision);
                model.Log.Add($"rollback to {to}");
                await WaitAsync((await Api.Projects.RollbackProjectAsync(new Proto.RollbackProjectRequest { Project = id, ToRevision = to })).Pipeline, model);
                break;
            case 4:
                var version = (await ProjectAsync(id)).Source.Chart.Version == "1.0.0" ? "2.0.0" : "1.0.0";
                model.Log.Add($"upgrade to {version}");
                await WaitAsync((await Api.Projects.UpgradeProjectChartAsync(new Proto.UpgradeProjectChartRequest { Project = id, Version = version })).Pipeline, model);
                break;
            case 5:
                model.Log.Add("undeploy");
                await WaitAsync((await Api.Projects.UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = id })).Pipeline, model);
                break;
            case 6:
                model.Log.Add("redeploy");
                await WaitAsync((await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = id })).Pipeline, model);
                break;
            case 7:
                // A change held at its gate, then cancelled: the record keeps whatever was deployed before.
                var held = Things(argument);
                model.Log.Add($"cancel update {string.Join(",", held)}");
                model.Expect = Expectation.None;
                await Api.Projects.UpdateProjectAsync(ReconciliationTests.Mask(id, "controls.require_approval", new Proto.PipelineControls { RequireApproval = true }));
                var pending = (await Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = id, Values = LifecycleChart.Values(held) })).Pipeline;
                if (pending is not null)
                {
                    await Api.WatchUntilAsync(pending.Id, e => ReconciliationTests.GatePending(e) || e.Terminal);
                    await CancelAsync(pending.Id);
                    await Api.WaitAsync(pending.Id);
                }

                await Api.Projects.UpdateProjectAsync(ReconciliationTests.Mask(id, "controls.require_approval", new Proto.PipelineControls()));
                break;
            default:
                model.Log.Add("purge");
                var purge = await Api.Projects.PurgeProjectAsync(new Proto.PurgeProjectRequest { Project = id });
                await WaitAsync(purge.Pipeline, model);
                model.Purged = id;
                model.ProjectId = null;
                break;
        }
    }

    // The invariant: the simulated cloud holds exactly what the record says is deployed.
    private async Task<string?> CheckAsync(Sequence model)
    {
        if (model.Purged is { } purged)
        {
            model.Purged = null;
            var leftovers = await server.InventoryAsync(purged);
            if (leftovers.Count > 0)
            {
                return $"the purged project left {string.Join(", ", leftovers)} in the inventory";
            }

            try
            {
                await ProjectAsync(purged);
                return "the purged project still exists";
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return null;
            }
        }

        var id = model.ProjectId!;
        var resources = (await Api.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = id })).Resources;
        var recorded = resources.Where(r => r.State == Proto.ResourceState.Deployed).Select(r => $"{r.Resource.Kind}/{r.Resource.Name}").Order(StringComparer.Ordinal).ToList();
        var inventory = await server.InventoryAsync(id);
        if (!recorded.SequenceEqual(inventory))
        {
            return $"the record says [{string.Join(", ", recorded)}] are deployed; the inventory holds [{string.Join(", ", inventory)}]";
        }

        if (resources.FirstOrDefault(r => r.State == Proto.ResourceState.Failed) is { } failed)
        {
            return $"{failed.Resource.Name} is FAILED";
        }

        var project = await ProjectAsync(id);
        var current = (await Api.Projects.GetProjectRevisionAsync(new Proto.GetProjectRevisionRequest { Project = id })).Revision.Resources
            .Select(r => $"{r.Kind}/{r.Metadata.Name}").Order(StringComparer.Ordinal).ToList();
        switch (model.Expect)
        {
            case Expectation.TheRevision when !current.SequenceEqual(inventory):
                return $"a deploy succeeded, but the revision has [{string.Join(", ", current)}] and the inventory [{string.Join(", ", inventory)}]";
            case Expectation.Nothing when inventory.Count > 0:
                return $"an undeploy succeeded, but the inventory holds [{string.Join(", ", inventory)}]";
            case Expectation.TheRevision when project.Status != Proto.ProjectStatus.Deployed:
                return $"a deploy succeeded, but the project is {project.Status}";
        }

        return project.Status switch
        {
            Proto.ProjectStatus.Deployed when !current.SequenceEqual(inventory) => $"DEPLOYED, but the revision has [{string.Join(", ", current)}] and the inventory [{string.Join(", ", inventory)}]",
            Proto.ProjectStatus.Undeployed or Proto.ProjectStatus.New when inventory.Count > 0 => $"{project.Status} with [{string.Join(", ", inventory)}] deployed",
            Proto.ProjectStatus.Deploying or Proto.ProjectStatus.Failed => $"{project.Status} with no pipeline running",
            _ => null,
        };
    }

    // 1 to 4 things from the pool, each possibly reading an earlier one: adds, removes and renames between steps.
    private static string[] Things(int argument)
    {
        var random = new Random(argument);
        var count = 1 + random.Next(4);
        var picked = Names.OrderBy(_ => random.Next()).Take(count).ToList();
        return picked.Select((name, i) => i > 0 && random.Next(2) == 0 ? $"{name}>{picked[random.Next(i)]}" : name).ToArray();
    }

    // Waits for the step's pipeline; a deploy that succeeded must leave exactly its revision deployed, an undeploy nothing.
    private async Task WaitAsync(Proto.Pipeline? pipeline, Sequence model)
    {
        model.Expect = Expectation.None;
        if (pipeline is not null)
        {
            var done = await Api.WaitAsync(pipeline.Id, TimeSpan.FromMinutes(2));
            if (done.Result == Proto.PipelineResult.Succeeded && !done.BuildOnly)
            {
                model.Expect = done.Operation == Proto.PipelineOperation.Undeploy ? Expectation.Nothing : Expectation.TheRevision;
            }
        }
    }

    private async Task CancelAsync(string pipelineId)
    {
        try
        {
            await Api.Pipelines.CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = pipelineId, Reason = "property test" });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            // It ended first (a change with nothing to apply needs no gate to finish).
        }
    }

    private async Task<Proto.InfraProject> ProjectAsync(string id) => (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = id })).Project;

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private sealed class Sequence(int number)
    {
        public int Number { get; } = number;

        public int Generation { get; set; }

        public string? ProjectId { get; set; }

        public string? Purged { get; set; }

        public List<string> Log { get; } = [];

        public Expectation Expect { get; set; }
    }

    private enum Expectation
    {
        None,
        TheRevision,
        Nothing,
    }
}
