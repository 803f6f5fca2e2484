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
        try
        {
            return await FollowUntilEndAsync(context, pipelineId);
        }
        catch (Exception e) when (context.CancellationToken.IsCancellationRequested
            && e is OperationCanceledException or Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Cancelled } or InfraGrpc.Client.InfraGrpcException)
        {
            // Ctrl-C stops following, not the pipeline, unless asked to.
            if (context.Result.GetValue(context.Options.CancelOnInterrupt))
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await new Proto.PipelineService.PipelineServiceClient(context.Channel).CancelPipelineAsync(
                    new Proto.CancelPipelineRequest { PipelineId = pipelineId, Reason = "interrupted (Ctrl-C) with --cancel-on-interrupt" }, cancellationToken: deadline.Token);
                await context.Environment.Error.WriteLineAsync($"pipeline {pipelineId} cancelled (--cancel-on-interrupt)");
            }
            else
            {
                await context.Environment.Error.WriteLineAsync(
                    $"pipeline {pipelineId} is still running; re-attach with `infractl pipeline watch {pipelineId}` (or cancel it with `infractl pipeline cancel {pipelineId}`)");
            }

            return ExitCodes.Interrupted;
        }
    }

    private static async Task<int> FollowUntilEndAsync(CommandContext context, string pipelineId)
    {
        // The client library resumes a dropped stream with after_sequence, so following survives a server restart.
        var events = InfraGrpc.Client.InfraGrpcClient.From(context.Channel).WatchPipelineAsync(pipelineId, cancellationToken: context.CancellationToken);
        var view = new PipelineView { Width = context.Printer.Console.Profile.Width };
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

        if (context.Printer.Format == "table")
        {
            await context.Environment.Error.WriteLineAsync(view.Summary());
        }

        return view.Result == Proto.PipelineResult.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>The follower's picture of the pipeline, built from the snapshot and the events.</summary>
    internal sealed class PipelineView
    {
        /// <summary>The terminal's width: the title is cut to fit it.</summary>
        public int Width { get; init; } = 120;

        private string _pipelineId = string.Empty;
        private Google.Protobuf.WellKnownTypes.Timestamp? _start;
        private Google.Protobuf.WellKnownTypes.Timestamp? _end;
        private readonly Dictionary<string, Proto.ManualGate> _gates = new(StringComparer.Ordinal);
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
                    _pipelineId = p.Id;
                    (_start, _end) = (p.StartTime, p.EndTime);
                    _title = $"{(p.Operation == Proto.PipelineOperation.Undeploy ? "undeploy" : "deploy")} {p.ProjectName} revision {p.Revision} (pipeline {p.Id})";
                    _gates.Clear();
                    foreach (var gate in p.Gates)
                    {
                        _gates[gate.Id] = gate;
                    }

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
                    if (_status == Proto.PipelineStatus.Completed)
                    {
                        _end = e.Time;
                    }
                    else
                    {
                        _start ??= e.Time;
                    }

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
                    _gates[g.Id] = g;
                    return [$"gate {g.Id} {g.State}{(g.State == Proto.ManualGateState.Pending ? $" ({ApproveCommand(g)} | {ApproveCommand(g).Replace(" approve ", " reject ", StringComparison.Ordinal)})" : string.Empty)}"];
                default:
                    return [];
            }
        }

        /// <summary>
        /// The live table: rows in dependency order (layer by layer), each with its state in colour, the
        /// running operation and its elapsed time, and what a row waits for, what failed, what blocks it,
        /// or the exact command that approves its gate.
        /// </summary>
        public Table Render()
        {
            var table = Printer.Table("NODE", "STATE", "OPERATION", "DETAIL");
            var title = $"{_title}: {Word(_status, Result)}";
            table.Title = new TableTitle(Printer.Escape(title.Length > Width - 2 ? title[..Math.Max(10, Width - 3)] + "…" : title));
            foreach (var key in Topological())
            {
                var node = _nodes[key];
                var job = node.StackJob;
                var word = Word(job?.Status ?? Proto.PipelineStatus.Queued, job?.Result ?? Proto.PipelineResult.Unspecified, job?.Reason);
                var color = word switch
                {
                    "succeeded" => "green",
                    "failed" => "red",
                    "blocked" or "cancelled" => "yellow",
                    "awaiting approval" => "olive",
                    "running" => "blue",
                    _ => "grey",
                };
                var operation = job?.Operations.LastOrDefault(o => o.Status != Proto.PipelineStatus.Queued);
                var running = operation is { Status: Proto.PipelineStatus.Running };
                table.AddRow(
                    Printer.Escape(Label(node)),
                    $"[{color}]{word}[/]",
                    operation is null ? string.Empty : Printer.Escape($"{operation.Kind.ToString().ToLowerInvariant()}{(running ? " " + Elapsed(operation.StartTime, null) : string.Empty)}"),
                    Printer.Escape(Detail(node, word)));
            }

            table.Caption = new TableTitle(Printer.Escape(_status == Proto.PipelineStatus.Completed ? Summary() : _reason));
            return table;
        }

        /// <summary>"3 succeeded, 1 failed, 2 blocked in 4.2 s: reason".</summary>
        public string Summary()
        {
            var counts = _nodes.Values
                .GroupBy(n => Word(n.StackJob?.Status ?? Proto.PipelineStatus.Queued, n.StackJob?.Result ?? Proto.PipelineResult.Unspecified, n.StackJob?.Reason))
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} {g.Key}");
            var took = _start is null ? string.Empty : " in " + Elapsed(_start, _end);
            return $"pipeline {Word(_status, Result)}: {string.Join(", ", counts)}{took}{(_reason.Length > 0 ? ": " + _reason : string.Empty)}";
        }

        private string Detail(Proto.PipelineNode node, string word)
        {
            var job = node.StackJob;
            switch (word)
            {
                case "queued":
                    var waiting = node.Producers.Where(p => _nodes.TryGetValue(p, out var producer) && producer.StackJob?.Result != Proto.PipelineResult.Succeeded).ToList();
                    return waiting.Count == 0 ? "ready" : "waits for " + string.Join(", ", waiting);
                case "awaiting approval":
                    return _gates.Values.FirstOrDefault(g => g.State == Proto.ManualGateState.Pending && (g.NodeKey == node.Key || g.NodeKey.Length == 0)) is { } gate
                        ? $"{ApproveCommand(gate)}  |  {ApproveCommand(gate).Replace(" approve ", " reject ", StringComparison.Ordinal)}"
                        : "awaiting approval";
                default:
                    return job?.Reason ?? string.Empty;
            }
        }

        private string ApproveCommand(Proto.ManualGate gate) => $"infractl pipeline approve {_pipelineId} --gate {gate.Id}";

        // Layer by layer (a node after all its producers), then by key within a layer.
        private List<string> Topological()
        {
            var layer = new Dictionary<string, int>(StringComparer.Ordinal);
            int Layer(string key, int depth)
            {
                if (layer.TryGetValue(key, out var known))
                {
                    return known;
                }

                var producers = depth > _nodes.Count ? [] : _nodes[key].Producers.Where(_nodes.ContainsKey).ToList();
                return layer[key] = producers.Count == 0 ? 0 : producers.Max(p => Layer(p, depth + 1)) + 1;
            }

            return _order.OrderBy(k => Layer(k, 0)).ThenBy(k => k, StringComparer.Ordinal).ToList();
        }

        private static string Word(Proto.PipelineStatus status, Proto.PipelineResult result, string? reason = null) => status switch
        {
            Proto.PipelineStatus.Completed => result switch
            {
                Proto.PipelineResult.Succeeded => "succeeded",
                Proto.PipelineResult.Failed => "failed",
                Proto.PipelineResult.Cancelled or Proto.PipelineResult.Skipped when reason?.StartsWith("blocked by", StringComparison.Ordinal) == true => "blocked",
                Proto.PipelineResult.Cancelled => "cancelled",
                Proto.PipelineResult.Skipped => "skipped",
                _ => "completed",
            },
            Proto.PipelineStatus.Running => "running",
            Proto.PipelineStatus.AwaitingApproval => "awaiting approval",
            _ => "queued",
        };

        private static string Elapsed(Google.Protobuf.WellKnownTypes.Timestamp? start, Google.Protobuf.WellKnownTypes.Timestamp? end)
        {
            if (start is null)
            {
                return string.Empty;
            }

            var span = (end?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow) - start.ToDateTimeOffset();
            return span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes} min {span.Seconds} s" : $"{span.TotalSeconds:F1} s";
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
