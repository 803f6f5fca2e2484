using System.Diagnostics;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Telemetry;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// Runs one pipeline: the build stage (manifests, graph, references outside the project), the optional
/// approval, then the deploy stage, which starts each node as soon as all its producers succeeded (up to
/// the parallelism), cancels the dependents of a failed node with "blocked by Kind/name", and lets
/// independent branches go on. Undeploy walks the same graph in reverse.
/// </summary>
public sealed partial class PipelineExecutor(IProjectStore projects, IProvisionerSelector provisioners, Git.GitRepositories git, ISecretSealer sealer)
{
    private readonly ReconcilePlanner _planner = new(projects);

    /// <param name="run">The run.</param>
    /// <param name="settle">Stores the project's status for the result the run is about to publish; called before its terminal event.</param>
    internal async Task ExecuteAsync(PipelineRun run, Func<RunResult, Task> settle)
    {
        var pipeline = run.Snapshot;
        var operation = pipeline.Operation.ToString().ToLowerInvariant();
        using var span = InfraTelemetry.Source.StartActivity(
            $"pipeline {operation} {pipeline.ProjectName}", ActivityKind.Internal, InfraTelemetry.PipelineParent(pipeline.TraceId, pipeline.ParentSpanId));
        span?.SetTag("infragrpc.pipeline.id", pipeline.Id).SetTag("infragrpc.pipeline.operation", operation)
            .SetTag("infragrpc.org", pipeline.ProjectName.Split('/')[0]).SetTag("infragrpc.project", pipeline.ProjectName)
            .SetTag("infragrpc.project.id", pipeline.ProjectId).SetTag("infragrpc.revision", pipeline.Revision);
        InfraTelemetry.PipelinesStarted.Add(1, new KeyValuePair<string, object?>("operation", operation));
        try
        {
            await RunStagesAsync(run, settle, span);
        }
        finally
        {
            var result = run.Snapshot.Result.ToString().ToLowerInvariant();
            span?.SetTag("infragrpc.result", result);
            if (run.Snapshot.Result == RunResult.Failed)
            {
                span?.SetStatus(ActivityStatusCode.Error, run.Snapshot.Reason);
            }
        }
    }

    private async Task RunStagesAsync(PipelineRun run, Func<RunResult, Task> settle, Activity? span)
    {
        var pipeline = run.Snapshot;
        if (run.CancelRequestedBy is not null)
        {
            await settle(RunResult.Cancelled);
            Finish(run, RunResult.Cancelled, $"{run.CancelledText} (before it started)", StageKind.Build);
            return;
        }

        // A pipeline taken over from a replica that died after its build stage resumes its deploy stage: the
        // nodes keep what they reached, and the build is only read again (never planned again) for their manifests.
        var resumed = pipeline.Stages.First(s => s.Kind == StageKind.Build) is { Status: RunStatus.Completed, Result: RunResult.Succeeded };
        BuildResult build;
        if (resumed)
        {
            build = await BuildAsync(run, null, resume: true);
            span?.SetTag("infragrpc.env", build.Project.Env);
        }
        else
        {
            run.UpdateStatus(RunStatus.Running, RunResult.None, null);
            run.UpdateStage(StageKind.Build, s => s with { Status = RunStatus.Running, StartedAt = run.Now });
            using (var stage = StageSpan("build"))
            {
                try
                {
                    var amend = pipeline.RequestedCommit is not null ? await BuildFromGitAsync(run) : null;
                    build = await BuildAsync(run, amend);
                    pipeline = run.Snapshot;
                }
                catch (Exception e) when (e is DomainException or InvalidOperationException or Git.GitSourceException)
                {
                    stage?.SetTag("infragrpc.result", "failed").SetStatus(ActivityStatusCode.Error, e.Message);
                    run.UpdateStage(StageKind.Build, s => s with { Status = RunStatus.Completed, Result = RunResult.Failed, Reason = e.Message, EndedAt = run.Now });
                    await settle(RunResult.Failed);
                    Finish(run, RunResult.Failed, "build failed: " + e.Message, StageKind.Deploy);
                    return;
                }

                stage?.SetTag("infragrpc.result", "succeeded");
            }

            span?.SetTag("infragrpc.env", build.Project.Env);
            run.UpdateStage(StageKind.Build, s => s with { Status = RunStatus.Completed, Result = RunResult.Succeeded, EndedAt = run.Now });
        }

        if (pipeline.BuildOnly)
        {
            run.UpdateStage(StageKind.Deploy, s => s with { Status = RunStatus.Completed, Result = RunResult.Skipped, Reason = "deployments are disabled for this project" });
            SkipNodes(run, "deployments are disabled for this project");
            await settle(RunResult.Succeeded);
            run.UpdateStatus(RunStatus.Completed, RunResult.Succeeded, "build only: deployments are disabled", terminal: true);
            return;
        }

        // The project's current controls decide, never the revision's: a destroy needs approval wherever a deploy does.
        if (build.Project.Controls.RequireApproval)
        {
            var verb = pipeline.Operation == PipelineOperation.Deploy ? "deploy" : "undeploy";
            var (approved, actor) = await WaitForGateAsync(run, verb, GateScope.Pipeline, null);
            if (!approved)
            {
                var reason = run.CancelRequestedBy is not null ? run.CancelledText : $"{verb} rejected by {actor}";
                await settle(RunResult.Cancelled);
                Finish(run, RunResult.Cancelled, reason, StageKind.Deploy);
                return;
            }
        }

        run.UpdateStage(StageKind.Deploy, s => s with { Status = RunStatus.Running, StartedAt = s.StartedAt ?? run.Now });
        RunResult result;
        using (var stage = StageSpan("deploy"))
        {
            result = await DeployAsync(run, build);
            stage?.SetTag("infragrpc.result", result.ToString().ToLowerInvariant());
        }

        var nodes = run.Snapshot.Nodes;
        var failed = nodes.Where(n => n.Job.Result == RunResult.Failed).Select(n => n.Key.ToString()).ToList();
        var reasonText = result switch
        {
            RunResult.Failed => $"{failed.Count} of {nodes.Count} resources failed: {string.Join(", ", failed.Take(5))}",
            RunResult.Cancelled => run.CancelRequestedBy is not null ? run.CancelledText : "cancelled: a manual gate was rejected",
            _ => null,
        };
        run.UpdateStage(StageKind.Deploy, s => s with { Status = RunStatus.Completed, Result = result, Reason = reasonText, EndedAt = run.Now });

        // Side effects first, then the terminal event: a watcher that sees the end sees their results.
        await settle(result);
        var deleted = result == RunResult.Succeeded && pipeline.Trigger == PipelineTrigger.Purge;
        if (deleted)
        {
            await projects.DeleteAsync(new ProjectDeletion(pipeline.ProjectId, pipeline.ProjectName, pipeline.Actor, run.Now, []));
        }

        run.UpdateStatus(RunStatus.Completed, result, deleted ? "purged: the project record was deleted" : reasonText, terminal: true, projectDeleted: deleted);
    }

    private static Activity? StageSpan(string stage) =>
        InfraTelemetry.Source.StartActivity("stage " + stage)?.SetTag("infragrpc.stage", stage);

    /// <summary>Completes a pipeline that a crash left running: what ran is FAILED with the reason, what waited is CANCELLED.</summary>
    internal static void Interrupt(PipelineRun run, string reason)
    {
        foreach (var node in run.Snapshot.Nodes.Where(n => n.Job.Status != RunStatus.Completed))
        {
            var wasRunning = node.Job.Status is RunStatus.Running or RunStatus.AwaitingApproval;
            run.UpdateNode(node.Key, j => j with
            {
                Status = RunStatus.Completed,
                Result = wasRunning ? RunResult.Failed : RunResult.Cancelled,
                Reason = reason,
                EndedAt = run.Now,
                Operations = j.Operations.Select(o => o.Status == RunStatus.Completed ? o : o with { Status = RunStatus.Completed, Result = RunResult.Failed, Message = reason, EndedAt = run.Now }).ToList(),
            });
        }

        foreach (var stage in run.Snapshot.Stages.Where(s => s.Status != RunStatus.Completed))
        {
            var wasRunning = stage.Status is RunStatus.Running or RunStatus.AwaitingApproval;
            run.UpdateStage(stage.Kind, s => s with { Status = RunStatus.Completed, Result = wasRunning ? RunResult.Failed : RunResult.Cancelled, Reason = reason, EndedAt = run.Now });
        }

        run.UpdateStatus(RunStatus.Completed, RunResult.Failed, reason, terminal: true);
    }

    /// <summary>Completes a queued pipeline that was cancelled before it started.</summary>
    internal static void CancelQueued(PipelineRun run) => Finish(run, RunResult.Cancelled, $"{run.CancelledText} (before it started)", StageKind.Build);

    /// <summary>Completes a queued pipeline that will never run as SKIPPED, with the reason on every stage and node.</summary>
    internal static void Skip(PipelineRun run, string reason) => Finish(run, RunResult.Skipped, reason, StageKind.Build);

    private static void Finish(PipelineRun run, RunResult result, string reason, StageKind skipped)
    {
        foreach (var stage in run.Snapshot.Stages.Where(s => s.Status != RunStatus.Completed && s.Kind >= skipped))
        {
            run.UpdateStage(stage.Kind, s => s with { Status = RunStatus.Completed, Result = result == RunResult.Failed ? RunResult.Skipped : result, Reason = reason, EndedAt = run.Now });
        }

        SkipNodes(run, reason, result == RunResult.Cancelled ? RunResult.Cancelled : RunResult.Skipped);
        run.UpdateStatus(RunStatus.Completed, result, reason, terminal: true);
    }

    private static void SkipNodes(PipelineRun run, string reason, RunResult result = RunResult.Skipped)
    {
        foreach (var node in run.Snapshot.Nodes.Where(n => n.Job.Status != RunStatus.Completed))
        {
            run.UpdateNode(node.Key, j => j with { Status = RunStatus.Completed, Result = result, Reason = reason, EndedAt = run.Now });
        }
    }

    private static async Task<(bool Approved, string Actor)> WaitForGateAsync(PipelineRun run, string id, GateScope scope, ResourceKey? node)
    {
        // Resumed after a takeover: a gate decided before it stays decided.
        if (run.Snapshot.Gates.FirstOrDefault(g => g.Id == id) is { State: GateState.Approved or GateState.Rejected } decided)
        {
            return (decided.State == GateState.Approved, decided.ResolvedBy ?? string.Empty);
        }

        var decision = new TaskCompletionSource<(bool, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        run.GateDecisions[id] = decision;

        run.UpsertGate(new Gate(id, scope, node, GateState.Pending, null, null, run.Now, null));
        run.UpdateStatus(RunStatus.AwaitingApproval, RunResult.None, null);
        if (run.CancelRequestedBy is { } cancelledBy)
        {
            decision.TrySetResult((false, cancelledBy));
        }

        var result = await decision.Task;
        run.GateDecisions.TryRemove(id, out _);
        if (!result.Item1 && run.Snapshot.Gates.FirstOrDefault(g => g.Id == id) is { State: GateState.Pending } gate)
        {
            // Cancelled while waiting: the gate closes as rejected by whoever cancelled.
            run.UpsertGate(gate with { State = GateState.Rejected, ResolvedBy = result.Item2, Comment = "pipeline cancelled", ResolvedAt = run.Now });
        }

        run.ResumeIfNoGatePending();
        return result;
    }
}
