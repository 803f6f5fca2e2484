using System.Collections.Concurrent;
using System.Diagnostics;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Telemetry;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>One stack job: an optional gate, then refresh → preview → apply (or refresh → destroy).</summary>
public sealed partial class PipelineExecutor
{
    private async Task<(ResourceKey Key, RunResult Result)> RunNodeAsync(
        PipelineRun run, BuildResult build, ResourceKey key, ConcurrentDictionary<ResourceKey, IReadOnlyDictionary<string, object?>> outputs)
    {
        var action = run.Snapshot.Nodes.First(n => n.Key == key).Action == NodeAction.Destroy ? "destroy" : "apply";
        using var span = InfraTelemetry.Source.StartActivity("stack job " + key);
        span?.SetTag("infragrpc.resource.kind", key.Kind).SetTag("infragrpc.resource.name", key.Name).SetTag("infragrpc.stack_job.action", action)
            .SetTag("infragrpc.pipeline.id", run.Id);
        var started = Stopwatch.GetTimestamp();
        InfraTelemetry.StackJobsRunning.Add(1);
        var result = RunResult.Failed;
        try
        {
            (_, result) = await RunStackJobAsync(run, build, key, outputs);
            return (key, result);
        }
        finally
        {
            InfraTelemetry.StackJobsRunning.Add(-1);
            var name = result.ToString().ToLowerInvariant();
            span?.SetTag("infragrpc.result", name);
            if (result == RunResult.Failed)
            {
                span?.SetStatus(ActivityStatusCode.Error, run.Snapshot.Nodes.FirstOrDefault(n => n.Key == key)?.Job.Reason);
            }

            InfraTelemetry.StackJobDuration.Record(InfraTelemetry.Since(started), new TagList { { "action", action }, { "result", name } });
        }
    }

    private async Task<(ResourceKey Key, RunResult Result)> RunStackJobAsync(
        PipelineRun run, BuildResult build, ResourceKey key, ConcurrentDictionary<ResourceKey, IReadOnlyDictionary<string, object?>> outputs)
    {
        var pipeline = run.Snapshot;
        var node = pipeline.Nodes.First(n => n.Key == key);
        var undeploy = node.Action == NodeAction.Destroy;
        var provisioner = provisioners.ForKind(key.Kind);
        if (node.Job.RequiresApproval)
        {
            run.UpdateNode(key, j => j with { Status = RunStatus.AwaitingApproval, Provisioner = provisioner.Name });
            var (approved, actor) = await WaitForGateAsync(run, (undeploy ? "destroy:" : "resource:") + key, GateScope.Resource, key);
            if (!approved)
            {
                var reason = run.CancelRequestedBy is not null ? $"cancelled by {actor}" : $"rejected by {actor}";
                run.UpdateNode(key, j => j with { Status = RunStatus.Completed, Result = RunResult.Cancelled, Reason = reason, EndedAt = run.Now });
                return (key, RunResult.Cancelled);
            }
        }

        run.UpdateNode(key, j => j with { Status = RunStatus.Running, StartedAt = run.Now, Provisioner = provisioner.Name });
        var resource = build.Resources[key];
        IReadOnlyDictionary<string, object?> manifest = resource.Document;
        if (!undeploy)
        {
            var (resolved, problems) = ReferenceResolver.Resolve(resource, reference => Producer(build, reference, outputs));
            if (problems.Count > 0)
            {
                var message = "references do not resolve: " + string.Join("; ", problems);
                run.Log(key, OperationKind.Refresh, LogSource.System, message);
                run.UpdateNode(key, j => j with { Status = RunStatus.Completed, Result = RunResult.Failed, Reason = message, EndedAt = run.Now, LogLineCount = run.LogCount(key) });
                return (key, RunResult.Failed);
            }

            manifest = resolved;
        }

        OperationKind[] operations = undeploy ? [OperationKind.Refresh, OperationKind.Destroy] : [OperationKind.Refresh, OperationKind.Preview, OperationKind.Apply];
        run.UpdateNode(key, j => j with { Operations = operations.Select(o => new Operation(o, RunStatus.Queued, RunResult.None, null, null, null)).ToList() });
        var previous = build.Records.TryGetValue(key, out var record) ? record.Outputs : new Dictionary<string, object?>();
        foreach (var operation in operations)
        {
            if (run.CancelRequestedBy is { } cancelledBy)
            {
                // Graceful: the current operation finished; nothing new starts.
                CancelRemaining(run, key, $"cancelled by {cancelledBy}");
                return (key, RunResult.Cancelled);
            }

            using var operationSpan = InfraTelemetry.Source.StartActivity("operation " + operation.ToString().ToLowerInvariant());
            operationSpan?.SetTag("infragrpc.operation", operation.ToString().ToLowerInvariant()).SetTag("infragrpc.provisioner", provisioner.Name);
            UpdateOperation(run, key, operation, o => o with { Status = RunStatus.Running, StartedAt = run.Now });
            run.Log(key, operation, LogSource.System, $"{operation.ToString().ToLowerInvariant()} {key} with {provisioner.Name}");
            ProvisionerOutcome outcome;
            try
            {
                var request = new ProvisionerRequest(pipeline.ProjectId, pipeline.ProjectName, build.Project.Env, key, operation, manifest, previous, (source, text) => run.Log(key, operation, source, text))
                {
                    TraceParent = InfraTelemetry.TraceParent(operationSpan),
                };

                // Cancelling the pipeline stops an external operation (its processes are killed); the
                // simulated provisioner's operations are atomic and finish.
                outcome = await provisioner.RunAsync(request, run.Cancelled);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                outcome = ProvisionerOutcome.Fail($"{provisioner.Name} provisioner error: {e.Message}");
            }

            run.EndOperationLog(key, operation);
            operationSpan?.SetTag("infragrpc.result", outcome.Succeeded ? "succeeded" : "failed");
            if (!outcome.Succeeded)
            {
                operationSpan?.SetStatus(ActivityStatusCode.Error, outcome.Message);
            }

            if (run.Secrets.Count > 0)
            {
                // A provisioner that echoes a secret back in its outputs or message gets it redacted before anything stores it.
                outcome = outcome with
                {
                    Message = SensitiveValues.Redact(outcome.Message, run.Secrets),
                    Outputs = outcome.Outputs is null ? null : (IReadOnlyDictionary<string, object?>)SensitiveValues.RedactTree(outcome.Outputs, run.Secrets)!,
                    Inventory = outcome.Inventory is { Outputs: { } kept } change ? change with { Outputs = (IReadOnlyDictionary<string, object?>)SensitiveValues.RedactTree(kept, run.Secrets)! } : outcome.Inventory,
                };
            }

            // The resource record (state and outputs) is stored in the same transaction as the event
            // that reports the operation's end: after a crash both are there, or neither.
            var applied = outcome.Succeeded && operation == OperationKind.Apply ? outcome.Outputs ?? new Dictionary<string, object?>() : null;
            var stored = !outcome.Succeeded ? Record(run, build, key, ResourceState.Failed, previous, provisioner.Name)
                : applied is not null ? Record(run, build, key, ResourceState.Deployed, applied, provisioner.Name)
                : operation == OperationKind.Destroy ? Record(run, build, key, ResourceState.Destroyed, new Dictionary<string, object?>(), provisioner.Name)
                : null;
            run.UpdateNode(
                key,
                j => j with
                {
                    Operations = j.Operations.Select(o => o.Kind == operation ? o with { Status = RunStatus.Completed, Result = outcome.Succeeded ? RunResult.Succeeded : RunResult.Failed, EndedAt = run.Now, Message = outcome.Message } : o).ToList(),
                    Outputs = applied ?? j.Outputs,
                    LogLineCount = run.LogCount(key),
                },
                stored,
                outcome.Inventory);
            if (!outcome.Succeeded)
            {
                CancelRemaining(run, key, null);
                var verb = operation.ToString().ToLowerInvariant();
                var stopped = run.CancelRequestedBy is not null && run.Cancelled.IsCancellationRequested;
                var result = stopped ? RunResult.Cancelled : RunResult.Failed;
                var reason = stopped ? $"{run.CancelledText}; {verb} was stopped: {outcome.Message}" : $"{verb} failed: {outcome.Message}";
                run.UpdateNode(key, j => j with { Status = RunStatus.Completed, Result = result, Reason = reason, EndedAt = run.Now, LogLineCount = run.LogCount(key) });
                return (key, result);
            }

            if (applied is not null)
            {
                outputs[key] = applied;
            }
            else if (operation == OperationKind.Destroy)
            {
                outputs.TryRemove(key, out _);
            }
        }

        run.UpdateNode(key, j => j with { Status = RunStatus.Completed, Result = RunResult.Succeeded, EndedAt = run.Now, LogLineCount = run.LogCount(key) });
        return (key, RunResult.Succeeded);
    }

    private static ProducerView? Producer(BuildResult build, ValueReference reference, ConcurrentDictionary<ResourceKey, IReadOnlyDictionary<string, object?>> outputs)
    {
        // Only the target revision's resources are in the project: a leftover being destroyed is never a producer.
        var inProject = build.TargetKeys.Contains(reference.Target) && (reference.Env is null || reference.Env == build.Project.Env);
        if (inProject)
        {
            var producer = build.Resources[reference.Target];
            return outputs.TryGetValue(reference.Target, out var produced)
                ? new ProducerView(produced, Map(producer.Document, "metadata"), producer.Spec)
                : null;
        }

        return build.External.TryGetValue((reference.Target, reference.Env), out var external)
            ? new ProducerView(external.Outputs, new Dictionary<string, object?> { ["name"] = external.Key.Name }, ValueTree.NewMap())
            : null;
    }

    private static IReadOnlyDictionary<string, object?> Map(IReadOnlyDictionary<string, object?> document, string key) =>
        document.GetValueOrDefault(key) as IReadOnlyDictionary<string, object?> ?? ValueTree.NewMap();

    private static ProjectResource Record(PipelineRun run, BuildResult build, ResourceKey key, ResourceState state, IReadOnlyDictionary<string, object?> outputs, string provisioner)
    {
        var pipeline = run.Snapshot;

        // A resource that left the target keeps the revision that deployed it: that is where its manifest is.
        var inTarget = build.Revision.Number == pipeline.Revision && pipeline.Nodes.First(n => n.Key == key).Action == NodeAction.Apply;
        var revision = !inTarget && build.Records.TryGetValue(key, out var record) && record.AppliedRevision > 0 ? record.AppliedRevision : build.Revision.Number;
        return new ProjectResource(pipeline.ProjectId, key, state, outputs, revision, pipeline.Id, run.Now, provisioner);
    }

    private static void UpdateOperation(PipelineRun run, ResourceKey key, OperationKind kind, Func<Operation, Operation> update) =>
        run.UpdateNode(key, j => j with { Operations = j.Operations.Select(o => o.Kind == kind ? update(o) : o).ToList(), LogLineCount = run.LogCount(key) });

    private static void CancelRemaining(PipelineRun run, ResourceKey key, string? reason)
    {
        run.UpdateNode(key, j => j with
        {
            Operations = j.Operations.Select(o => o.Status == RunStatus.Queued ? o with { Status = RunStatus.Completed, Result = RunResult.Cancelled } : o).ToList(),
            Status = reason is null ? j.Status : RunStatus.Completed,
            Result = reason is null ? j.Result : RunResult.Cancelled,
            Reason = reason ?? j.Reason,
            EndedAt = reason is null ? j.EndedAt : run.Now,
        });
        if (reason is not null)
        {
        }
    }
}
