namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// Brings a stored pipeline document up to date with the events stored after it. The document is
/// rewritten less often than events are appended, so after a crash the events are the truth.
/// </summary>
public static class PipelineReplay
{
    public static Pipeline Apply(Pipeline document, IEnumerable<PipelineEvent> events)
    {
        var pipeline = document;
        foreach (var e in events.Where(e => e.Sequence > document.LastSequence).OrderBy(e => e.Sequence))
        {
            pipeline = e.Kind switch
            {
                PipelineEventKind.Snapshot => e.Snapshot!,
                PipelineEventKind.PipelineChanged => pipeline with
                {
                    Status = e.PipelineStatus!.Value.Status,
                    Result = e.PipelineStatus.Value.Result,
                    Reason = e.PipelineStatus.Value.Reason ?? pipeline.Reason,
                },
                PipelineEventKind.StageChanged => pipeline with { Stages = pipeline.Stages.Select(s => s.Kind == e.Stage!.Kind ? e.Stage : s).ToList() },
                PipelineEventKind.NodeChanged => pipeline with { Nodes = pipeline.Nodes.Select(n => n.Key == e.Node!.Key ? e.Node : n).ToList() },
                PipelineEventKind.GateChanged => pipeline with { Gates = pipeline.Gates.Where(g => g.Id != e.Gate!.Id).Append(e.Gate!).ToList() },
                _ => pipeline,
            };
            pipeline = pipeline with { LastSequence = e.Sequence };
        }

        return pipeline;
    }
}
