using Google.Protobuf.WellKnownTypes;
using InfraGrpc.Domain.Pipelines;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Mapping;

/// <summary>Maps pipelines, their parts and their events to the contract.</summary>
internal static class PipelineMapper
{
    /// <summary>The pipeline a change requested, or null (which clears a message field) when it requested none.</summary>
    public static Proto.Pipeline? ToProtoOrNull(Pipeline? p) => p is null ? null : ToProto(p);

    public static Proto.Pipeline ToProto(Pipeline p, bool withNodes = true)
    {
        var result = new Proto.Pipeline
        {
            Id = p.Id,
            ProjectId = p.ProjectId,
            ProjectName = p.ProjectName,
            Revision = p.Revision,
            Operation = p.Operation == PipelineOperation.Undeploy ? Proto.PipelineOperation.Undeploy : Proto.PipelineOperation.Deploy,
            Trigger = (Proto.PipelineTrigger)((int)p.Trigger + 1),
            Actor = p.Actor,
            Status = ToProto(p.Status),
            Result = ToProto(p.Result),
            Reason = p.Reason ?? string.Empty,
            CreateTime = Timestamp.FromDateTimeOffset(p.CreatedAt),
            StartTime = Time(p.StartedAt),
            EndTime = Time(p.EndedAt),
            LastSequence = (ulong)p.LastSequence,
            Parallelism = p.Parallelism,
            BuildOnly = p.BuildOnly,
            CancelledBy = p.CancelledBy ?? string.Empty,
            TraceId = p.TraceId ?? string.Empty,
            CommitSha = p.Commit?.Sha ?? p.RequestedCommit ?? string.Empty,
            Commit = p.Commit is null ? null : ProjectMapper.ToProto(p.Commit),
        };
        result.Stages.Add(p.Stages.Select(ToProto));
        result.Gates.Add(p.Gates.Select(ToProto));
        if (withNodes)
        {
            result.Nodes.Add(p.Nodes.Select(ToProto));
        }

        return result;
    }

    public static Proto.PipelineStage ToProto(Stage s) => new()
    {
        Kind = s.Kind == StageKind.Build ? Proto.PipelineStageKind.Build : Proto.PipelineStageKind.Deploy,
        Status = ToProto(s.Status),
        Result = ToProto(s.Result),
        Reason = s.Reason ?? string.Empty,
        StartTime = Time(s.StartedAt),
        EndTime = Time(s.EndedAt),
    };

    public static Proto.PipelineNode ToProto(PipelineNode n)
    {
        var job = new Proto.StackJob
        {
            Status = ToProto(n.Job.Status),
            Result = ToProto(n.Job.Result),
            Reason = n.Job.Reason ?? string.Empty,
            StartTime = Time(n.Job.StartedAt),
            EndTime = Time(n.Job.EndedAt),
            Provisioner = n.Job.Provisioner,
            RequiresApproval = n.Job.RequiresApproval,
            LogLineCount = n.Job.LogLineCount,
        };
        if (n.Job.Outputs is not null)
        {
            job.Outputs = ValueMapper.ToStruct(n.Job.Outputs);
        }

        job.Operations.Add(n.Job.Operations.Select(o => new Proto.StackJobOperation
        {
            Kind = ToProto(o.Kind),
            Status = ToProto(o.Status),
            Result = ToProto(o.Result),
            StartTime = Time(o.StartedAt),
            EndTime = Time(o.EndedAt),
            Message = o.Message ?? string.Empty,
        }));
        var node = new Proto.PipelineNode
        {
            Key = n.Key.ToString(),
            Resource = ResourceMapper.ToProto(n.Key),
            StackJob = job,
            Action = n.Action == NodeAction.Destroy ? Proto.PipelineNodeAction.Destroy : Proto.PipelineNodeAction.Apply,
        };
        node.Producers.Add(n.Producers.Select(k => k.ToString()));
        return node;
    }

    public static Proto.ManualGate ToProto(Gate g) => new()
    {
        Id = g.Id,
        Scope = g.Scope == GateScope.Pipeline ? Proto.ManualGateScope.Pipeline : Proto.ManualGateScope.Resource,
        NodeKey = g.Node?.ToString() ?? string.Empty,
        State = g.State switch
        {
            GateState.Approved => Proto.ManualGateState.Approved,
            GateState.Rejected => Proto.ManualGateState.Rejected,
            _ => Proto.ManualGateState.Pending,
        },
        ResolvedBy = g.ResolvedBy ?? string.Empty,
        Comment = g.Comment ?? string.Empty,
        CreateTime = Timestamp.FromDateTimeOffset(g.CreatedAt),
        ResolveTime = Time(g.ResolvedAt),
    };

    public static Proto.WatchPipelineResponse ToProto(PipelineEvent e)
    {
        var response = new Proto.WatchPipelineResponse { Sequence = (ulong)e.Sequence, Time = Timestamp.FromDateTimeOffset(e.Time), Terminal = e.Terminal };
        switch (e.Kind)
        {
            case PipelineEventKind.Snapshot:
                response.Snapshot = ToProto(e.Snapshot!);
                break;
            case PipelineEventKind.PipelineChanged:
                var (status, result, reason) = e.PipelineStatus!.Value;
                response.PipelineChanged = new Proto.PipelineStatusChanged { Status = ToProto(status), Result = ToProto(result), Reason = reason ?? string.Empty, ProjectDeleted = e.ProjectDeleted };
                break;
            case PipelineEventKind.StageChanged:
                response.StageChanged = ToProto(e.Stage!);
                break;
            case PipelineEventKind.NodeChanged:
                response.NodeChanged = ToProto(e.Node!);
                response.NodeChange = (Proto.NodeChangeKind)(int)e.NodeChange;
                break;
            case PipelineEventKind.GateChanged:
                response.GateChanged = ToProto(e.Gate!);
                break;
        }

        return response;
    }

    public static Proto.LogLine ToProto(LogLine line) => new()
    {
        Sequence = (ulong)line.Sequence,
        Time = Timestamp.FromDateTimeOffset(line.Time),
        NodeKey = line.Node.ToString(),
        Operation = ToProto(line.Operation),
        Stream = line.Source switch
        {
            LogSource.Stdout => Proto.LogStream.Stdout,
            LogSource.Stderr => Proto.LogStream.Stderr,
            _ => Proto.LogStream.System,
        },
        Text = line.Text,
    };

    public static Proto.PipelineStatus ToProto(RunStatus status) => (Proto.PipelineStatus)((int)status + 1);

    public static Proto.PipelineResult ToProto(RunResult result) => (Proto.PipelineResult)(int)result;

    public static RunStatus? ToDomain(Proto.PipelineStatus status) => status == Proto.PipelineStatus.Unspecified ? null : (RunStatus)((int)status - 1);

    public static RunResult? ToDomain(Proto.PipelineResult result) => result == Proto.PipelineResult.Unspecified ? null : (RunResult)(int)result;

    private static Proto.StackJobOperationKind ToProto(OperationKind kind) => (Proto.StackJobOperationKind)((int)kind + 1);

    private static Timestamp? Time(DateTimeOffset? time) => time is { } t ? Timestamp.FromDateTimeOffset(t) : null;
}
