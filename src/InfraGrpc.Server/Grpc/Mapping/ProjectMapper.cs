using Google.Protobuf.WellKnownTypes;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Mapping;

/// <summary>Maps projects, revisions, diffs and resources between the Domain and the contract.</summary>
internal static class ProjectMapper
{
    /// <param name="p">The project.</param>
    /// <param name="lastPipeline">Its last pipeline, when the caller has it.</param>
    /// <param name="webhookBase">The HTTP/1.1 listener's address, for the webhook URLs of git projects.</param>
    public static Proto.InfraProject ToProto(Project p, Domain.Pipelines.Pipeline? lastPipeline = null, Uri? webhookBase = null)
    {
        var result = new Proto.InfraProject
        {
            Id = p.Id,
            Name = p.Name,
            Org = p.Org,
            Env = p.Env,
            Source = ToSource(p),
            Controls = ToProto(p.Controls),
            CurrentRevision = p.CurrentRevision,
            Status = (Proto.ProjectStatus)((int)p.Status + 1),
            CreateTime = Timestamp.FromDateTimeOffset(p.CreatedAt),
            UpdateTime = Timestamp.FromDateTimeOffset(p.UpdatedAt),
            CreatedBy = p.CreatedBy,
            Values = ValueMapper.ToStruct(p.Values),
        };
        result.Labels.Add(p.Labels.ToDictionary());
        result.ParentProjectId = p.ParentProjectId ?? string.Empty;
        if (p.Git is not null)
        {
            var http = webhookBase?.ToString().TrimEnd('/') ?? string.Empty;
            result.WebhookPath = $"{http}/webhooks/github (GitHub), {http}/webhooks/gitlab (GitLab)";
        }

        if (lastPipeline is not null)
        {
            result.LastPipeline = PipelineMapper.ToProto(lastPipeline, withNodes: false);
        }

        return result;
    }

    public static Proto.GitCommit ToProto(Domain.Git.GitCommitInfo commit) => new()
    {
        Sha = commit.Sha,
        Author = commit.Author,
        Message = commit.Message,
        CommitTime = Timestamp.FromDateTimeOffset(commit.Time),
    };

    private static Proto.ProjectSource ToSource(Project p)
    {
        if (p.Git is not { } git)
        {
            return new Proto.ProjectSource { Chart = ToProto(p.Chart!) };
        }

        var source = new Proto.GitSource { Url = git.Url, Ref = git.Ref, Path = git.Path, HasWebhookSecret = !string.IsNullOrEmpty(git.WebhookSecret) };
        if (git.LastCommit is not null)
        {
            source.LastCommit = ToProto(git.LastCommit);
        }

        return new Proto.ProjectSource { Git = source };
    }

    public static Proto.ChartSource ToProto(ProjectChart chart) => new() { Name = chart.Name, Version = chart.Version, Digest = chart.Digest, Inline = chart.Inline };

    public static Proto.PipelineControls ToProto(PipelineControls c) => new()
    {
        DisablePipelines = c.DisablePipelines,
        DisableDeployments = c.DisableDeployments,
        EnablePullRequestDeployments = c.EnablePullRequestDeployments,
        RequireApproval = c.RequireApproval,
    };

    public static PipelineControls ToDomain(Proto.PipelineControls? c) => c is null
        ? PipelineControls.Default
        : new PipelineControls(c.DisablePipelines, c.DisableDeployments, c.EnablePullRequestDeployments, c.RequireApproval);

    public static Proto.ProjectRevision ToProto(ProjectRevision r, RenderedRevision? rendered = null)
    {
        var result = new Proto.ProjectRevision
        {
            Number = r.Number,
            Actor = r.Actor,
            CreateTime = Timestamp.FromDateTimeOffset(r.CreatedAt),
            Message = r.Message,
            Cause = (Proto.RevisionCause)((int)r.Cause + 1),
            Values = ValueMapper.ToStruct(r.SuppliedValues),
            ResolvedValues = ValueMapper.ToStruct(r.ResolvedValues),
            Chart = r.Chart is null ? null : ToProto(r.Chart),
            Commit = r.Commit is null ? null : ToProto(r.Commit),
            PipelineId = r.PipelineId ?? string.Empty,
            Controls = ToProto(r.Controls),
            RolledBackFrom = r.RolledBackFrom ?? 0,
        };
        if (rendered is not null)
        {
            result.Resources.Add(rendered.Resources.Select(ResourceMapper.ToProto));
            result.Graph = ResourceMapper.ToProto(rendered.Graph);
        }

        return result;
    }

    public static Proto.RevisionDiff ToProto(RevisionDiff d)
    {
        var result = new Proto.RevisionDiff
        {
            FromRevision = d.FromRevision,
            ToRevision = d.ToRevision,
            FromChartVersion = d.FromChartVersion ?? string.Empty,
            ToChartVersion = d.ToChartVersion ?? string.Empty,
        };
        result.Values.Add(d.Values.Select(v =>
        {
            var change = new Proto.ValueChange { Key = v.Key, Change = ToProto(v.Change) };
            if (v.Change != ChangeKind.Added)
            {
                change.OldValue = ValueMapper.ToValue(v.OldValue);
            }

            if (v.Change != ChangeKind.Removed)
            {
                change.NewValue = ValueMapper.ToValue(v.NewValue);
            }

            return change;
        }));
        result.Resources.Add(d.Resources.Select(r => new Proto.ResourceChange { Resource = ResourceMapper.ToProto(r.Key), Change = ToProto(r.Change), UnifiedDiff = r.UnifiedDiff }));
        return result;
    }

    public static Proto.ProjectResource ToProto(ProjectResource r) => new()
    {
        Resource = ResourceMapper.ToProto(r.Key),
        State = (Proto.ResourceState)((int)r.State + 1),
        Outputs = ValueMapper.ToStruct(r.Outputs),
        AppliedRevision = r.AppliedRevision,
        LastPipelineId = r.LastPipelineId ?? string.Empty,
        UpdateTime = Timestamp.FromDateTimeOffset(r.UpdatedAt),
        Provisioner = r.Provisioner,
    };

    public static ValuesInput ToDomain(Proto.ValuesInput? values)
    {
        var (layers, sets) = ChartMapper.ToDomain(values);
        return new ValuesInput(layers, sets);
    }

    private static Proto.ChangeType ToProto(ChangeKind change) => (Proto.ChangeType)((int)change + 1);

    public static Proto.DeployPlan? ToProtoOrNull(DeployPreview? plan)
    {
        if (plan is null)
        {
            return null;
        }

        var proto = new Proto.DeployPlan
        {
            ToCreate = plan.Count(PlannedAction.Create),
            ToUpdate = plan.Count(PlannedAction.Update),
            ToDestroy = plan.Count(PlannedAction.Destroy),
            Unchanged = plan.Count(PlannedAction.NoChange),
            Summary = plan.Summary,
        };
        proto.Changes.Add(plan.Changes.Select(c => new Proto.PlannedChange
        {
            Resource = ResourceMapper.ToProto(c.Key),
            Action = c.Action switch
            {
                PlannedAction.Create => Proto.PlannedAction.Create,
                PlannedAction.Update => Proto.PlannedAction.Update,
                PlannedAction.Destroy => Proto.PlannedAction.Destroy,
                _ => Proto.PlannedAction.NoChange,
            },
        }));
        return proto;
    }
}
