using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Provisioners;

/// <summary>
/// The embedded default provisioner: an in-process fake cloud. Its inventory is in the store, outputs are
/// deterministic per kind, each operation takes the configured latency, and the annotation
/// <c>sim.infragrpc.dev/fail: apply|destroy</c> makes that operation fail so failure paths can be shown.
/// </summary>
public sealed class SimulatedProvisioner(ISimulatedInventory inventory, SimulatedProvisionerOptions options, TimeProvider clock) : IProvisioner
{
    public const string FailAnnotation = "sim.infragrpc.dev/fail";

    public string Name => "simulated";

    public async Task<ProvisionerOutcome> RunAsync(ProvisionerRequest request, CancellationToken cancellationToken)
    {
        if (options.Latency > TimeSpan.Zero)
        {
            // An in-process operation is atomic: a cancelled pipeline lets it finish.
            await Task.Delay(options.Latency, clock, CancellationToken.None);
        }

        var key = $"{request.ProjectId}/{request.Key}";
        var existing = await inventory.GetAsync(key, CancellationToken.None);
        var spec = request.Manifest.GetValueOrDefault("spec") as IReadOnlyDictionary<string, object?> ?? ValueTree.NewMap();
        var verb = request.Operation.ToString().ToLowerInvariant();
        if (FailsOn(request) == verb)
        {
            request.Log(LogSource.Stderr, $"simulated failure: {FailAnnotation} asks {verb} to fail");
            return ProvisionerOutcome.Fail($"{verb} failed (simulated by {FailAnnotation})");
        }

        switch (request.Operation)
        {
            case OperationKind.Refresh:
                request.Log(LogSource.Stdout, existing is null ? $"{request.Key} does not exist yet" : $"{request.Key} exists ({existing.GetValueOrDefault("id")})");
                return ProvisionerOutcome.Ok(existing is null ? "not found" : "found", existing);
            case OperationKind.Preview:
                var plan = existing is null ? "1 to create" : "1 to update in place";
                request.Log(LogSource.Stdout, "plan: " + plan);
                return ProvisionerOutcome.Ok(plan);
            case OperationKind.Apply:
                var outputs = SimulatedOutputs.For(key, request.Key.Kind, request.Key.Name, spec);
                request.Log(LogSource.Stdout, $"{(existing is null ? "created" : "updated")} {request.Key} ({outputs["id"]})");
                return ProvisionerOutcome.Ok(existing is null ? "created" : "updated", outputs) with { Inventory = new InventoryChange(key, request.Key.Kind, outputs) };
            default:
                var removed = existing is not null;
                request.Log(LogSource.Stdout, removed ? $"destroyed {request.Key}" : $"{request.Key} was already gone");
                return ProvisionerOutcome.Ok(removed ? "destroyed" : "already gone") with { Inventory = new InventoryChange(key, request.Key.Kind, null) };
        }
    }

    private static string? FailsOn(ProvisionerRequest request) =>
        request.Manifest.GetValueOrDefault("metadata") is IReadOnlyDictionary<string, object?> metadata
        && metadata.GetValueOrDefault("annotations") is IReadOnlyDictionary<string, object?> annotations
        && annotations.GetValueOrDefault(FailAnnotation) is string fail
            ? fail.ToLowerInvariant()
            : null;
}
