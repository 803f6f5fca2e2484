using InfraGrpc.Cli.Output;
using Spectre.Console;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary>
/// Follows a pipeline over <c>WatchPipeline</c> until its terminal event: on a terminal, a live table of
/// the graph's nodes (Spectre.Console); when piped, one line per event. The pipeline's result becomes
/// the exit code. Disconnecting (Ctrl+C) cancels nothing on the server.
/// </summary>
internal static class PipelineFollower
{
    public static async Task<int> FollowAsync(CommandContext context, Proto.Pipeline? pipeline, bool noWait)
    {
        if (pipeline is null || pipeline.Id.Length == 0)
        {
            return ExitCodes.Success;
        }

        await context.Environment.Error.WriteLineAsync($"pipeline {pipeline.Id} requested");
        return noWait ? ExitCodes.Success : await WatchAsync(context, pipeline.Id);
    }

    public static async Task<int> WatchAsync(CommandContext context, string pipelineId)
    {
        // The client library resumes a dropped stream with after_sequence, so following survives a server restart.
        var events = InfraGrpc.Client.InfraGrpcClient.From(context.Channel).WatchPipelineAsync(pipelineId, cancellationToken: context.CancellationToken);
        var view = new PipelineView();
        if (context.Printer.Format == "json")
        {
            // For scripts: one JSON object per event (the WatchPipelineResponse in proto JSON), one per line.
            await foreach (var e in events)
            {
                view.Apply(e);
                context.Printer.Line(Google.Protobuf.JsonFormatter.Default.Format(e));
            }
        }
        else if (context.Environment.OutputRedirected || context.Printer.Format != "table")
        {
            await foreach (var e in events)
            {
                foreach (var line in view.Apply(e))
                {
                    context.Printer.Line($"[{e.Sequence}] {line}".TrimEnd());
                }
            }
        }
        else
        {
            await context.Printer.Console.Live(view.Render()).StartAsync(async live =>
            {
                await foreach (var e in events)
                {
                    view.Apply(e);
                    live.UpdateTarget(view.Render());
                }
            });
        }

        return view.Result == Proto.PipelineResult.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>The follower's picture of the pipeline, built from the snapshot and the events.</summary>
    private sealed class PipelineView
    {
        private readonly Dictionary<string, Proto.PipelineNode> _nodes = new(StringComparer.Ordinal);
        private readonly List<string> _order = [];
        private Proto.PipelineStatus _status;
        private string _title = "pipeline";
        private string _reason = string.Empty;

        public Proto.PipelineResult Result { get; private set; }

        /// <summary>Folds an event in; returns the lines a piped follower prints for it.</summary>
        public List<string> Apply(Proto.WatchPipelineResponse e)
        {
            switch (e.EventCase)
            {
                case Proto.WatchPipelineResponse.EventOneofCase.Snapshot:
                    var p = e.Snapshot;
                    _title = $"pipeline {p.Id} ({p.Operation}) of {p.ProjectName} revision {p.Revision}";
                    (_status, Result, _reason) = (p.Status, p.Result, p.Reason);
                    _order.Clear();
                    foreach (var node in p.Nodes)
                    {
                        _nodes[node.Key] = node;
                        _order.Add(node.Key);
                    }

                    // A follower that arrives late (or after a resync) still sees where every node stands.
                    return Fresh([Line("pipeline", $"pipeline {p.Status} {Shown(p.Result)} {p.Reason}"), .. p.Nodes.Select(n => Line(n.Key, NodeLine(n)))]);
                case Proto.WatchPipelineResponse.EventOneofCase.PipelineChanged:
                    (_status, Result, _reason) = (e.PipelineChanged.Status, e.PipelineChanged.Result, e.PipelineChanged.Reason);
                    return Fresh([Line("pipeline", $"pipeline {_status} {Shown(Result)} {_reason}")]);
                case Proto.WatchPipelineResponse.EventOneofCase.StageChanged:
                    var stage = e.StageChanged;
                    return Fresh([Line("stage " + stage.Kind, $"stage {stage.Kind} {stage.Status} {Shown(stage.Result)} {stage.Reason}")]);
                case Proto.WatchPipelineResponse.EventOneofCase.NodeChanged:
                    if (!_nodes.ContainsKey(e.NodeChanged.Key))
                    {
                        _order.Add(e.NodeChanged.Key);
                    }

                    _nodes[e.NodeChanged.Key] = e.NodeChanged;
                    return e.NodeChange == Proto.NodeChangeKind.Progress ? [] : Fresh([Line(e.NodeChanged.Key, NodeLine(e.NodeChanged, e.NodeChange))]);
                case Proto.WatchPipelineResponse.EventOneofCase.GateChanged:
                    var g = e.GateChanged;
                    return [$"gate {g.Id} {g.State}{(g.State == Proto.ManualGateState.Pending ? " (infractl pipeline approve|reject " + _title.Split(' ')[1] + ")" : string.Empty)}"];
                default:
                    return [];
            }
        }

        public Table Render()
        {
            var table = Printer.Table("NODE", "STATUS", "OPERATION", "RESULT", "REASON");
            table.Title = new TableTitle($"{Printer.Escape(_title)}: {_status} {Shown(Result)}".Trim());
            foreach (var key in _order)
            {
                var job = _nodes[key].StackJob;
                var operation = job?.Operations.LastOrDefault(o => o.Status != Proto.PipelineStatus.Queued);
                var color = job?.Result switch
                {
                    Proto.PipelineResult.Succeeded => "green",
                    Proto.PipelineResult.Failed => "red",
                    Proto.PipelineResult.Cancelled => "yellow",
                    _ => job?.Status == Proto.PipelineStatus.Running ? "blue" : "grey",
                };
                table.AddRow(
                    Printer.Escape(Label(_nodes[key])),
                    $"[{color}]{job?.Status}[/]",
                    operation is null ? string.Empty : $"{operation.Kind} {operation.Status}",
                    $"[{color}]{Shown(job?.Result)}[/]",
                    Printer.Escape(job?.Reason));
            }

            if (_reason.Length > 0)
            {
                table.Caption = new TableTitle(Printer.Escape(_reason));
            }

            return table;
        }

        private static string Shown(Proto.PipelineResult? result) => result is null or Proto.PipelineResult.Unspecified ? string.Empty : result.ToString()!;

        // One line per meaningful change: an operation that started or finished names its operation; a
        // line equal to the last one printed for the same node (or stage, or pipeline) is not repeated.
        private static string NodeLine(Proto.PipelineNode node, Proto.NodeChangeKind change = Proto.NodeChangeKind.Unspecified)
        {
            var job = node.StackJob;
            if (change is Proto.NodeChangeKind.OperationStarted or Proto.NodeChangeKind.OperationFinished
                && job?.Operations.LastOrDefault(o => o.Status != Proto.PipelineStatus.Queued) is { } operation)
            {
                return $"{Label(node)} {operation.Kind} {operation.Status} {Shown(operation.Result)} {operation.Message}";
            }

            return $"{Label(node)} {job?.Status} {Shown(job?.Result)} {job?.Reason}";
        }

        private readonly Dictionary<string, string> _printed = new(StringComparer.Ordinal);

        private static (string Subject, string Text) Line(string subject, string text) => (subject, string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        private List<string> Fresh(IEnumerable<(string Subject, string Text)> lines)
        {
            var fresh = new List<string>();
            foreach (var (subject, text) in lines)
            {
                if (_printed.GetValueOrDefault(subject) != text)
                {
                    _printed[subject] = text;
                    fresh.Add(text);
                }
            }

            return fresh;
        }

        // A destroy node says so, like a Terraform plan's "-": "Thing/b (destroy)".
        private static string Label(Proto.PipelineNode node) => node.Action == Proto.PipelineNodeAction.Destroy ? $"{node.Key} (destroy)" : node.Key;
    }
}
