using System.CommandLine;
using InfraGrpc.Cli.Output;
using Spectre.Console;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary><c>infractl pipeline get | watch | logs | cancel | approve | reject</c> and the project pipeline listings.</summary>
internal static class PipelineCommands
{
    public static Command Create(GlobalOptions options)
    {
        var pipeline = new Command("pipeline", "Inspect, follow and steer Infra Pipelines");
        pipeline.Subcommands.Add(Get(options));
        pipeline.Subcommands.Add(Watch(options));
        pipeline.Subcommands.Add(Logs(options));
        pipeline.Subcommands.Add(Cancel(options));
        pipeline.Subcommands.Add(Gate(options, "approve", approve: true));
        pipeline.Subcommands.Add(Gate(options, "reject", approve: false));
        return pipeline;
    }

    public static Command ListForProject(GlobalOptions options)
    {
        var (project, org) = (ProjectOption(), SharedOptions.Org());
        var command = new Command("infra-pipelines", "List a project's pipelines, newest first") { project, org };
        return command.Action(options, async context =>
        {
            var response = await Client(context).ListPipelinesAsync(
                new Proto.ListPipelinesRequest { Project = SharedOptions.Project(context.Value(project), context.Value(org)), PageSize = 100 },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console => WritePipelines(console, response.Pipelines));
            return ExitCodes.Success;
        });
    }

    public static Command LastForProject(GlobalOptions options)
    {
        var (project, org) = (ProjectOption(), SharedOptions.Org());
        var command = new Command("last-pipeline", "Show a project's most recent pipeline") { project, org };
        return command.Action(options, async context =>
        {
            var response = await Client(context).GetLastPipelineAsync(
                new Proto.GetLastPipelineRequest { Project = SharedOptions.Project(context.Value(project), context.Value(org)) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console => WritePipeline(console, response.Pipeline));
            return ExitCodes.Success;
        });
    }

    private static Command Get(GlobalOptions options)
    {
        var id = PipelineId();
        var command = new Command("get", "Show a pipeline with its stages and stack jobs") { id };
        return command.Action(options, async context =>
        {
            var response = await Client(context).GetPipelineAsync(new Proto.GetPipelineRequest { PipelineId = context.Value(id) }, cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console => WritePipeline(console, response.Pipeline));
            return ExitCodes.Success;
        });
    }

    private static Command Watch(GlobalOptions options)
    {
        var id = PipelineId();
        var command = new Command("watch", "Follow a pipeline until it completes; exit 0 if it succeeded, 1 if not") { id };
        return command.Action(options, context => PipelineFollower.WatchAsync(context, context.Value(id)));
    }

    private static Command Logs(GlobalOptions options)
    {
        var id = PipelineId();
        var node = new Argument<string>("node") { Description = "Node key, Kind/name" };
        var follow = new Option<bool>("--follow", "-F") { Description = "Keep following until the stack job completes" };
        var command = new Command("logs", "Print a stack job's log lines") { id, node, follow };
        return command.Action(options, async context =>
        {
            using var call = Client(context).StreamStackJobLogs(
                new Proto.StreamStackJobLogsRequest { PipelineId = context.Value(id), NodeKey = context.Value(node), Follow = context.Value(follow) },
                cancellationToken: context.CancellationToken);
            while (await call.ResponseStream.MoveNext(context.CancellationToken))
            {
                var line = call.ResponseStream.Current.Line;
                context.Printer.Line($"{Printer.Time(line.Time)} {line.Operation} {line.Text}");
            }

            return ExitCodes.Success;
        });
    }

    private static Command Cancel(GlobalOptions options)
    {
        var id = PipelineId();
        var reason = new Option<string>("--reason") { Description = "Why", DefaultValueFactory = _ => string.Empty };
        var command = new Command("cancel", "Cancel gracefully: running stack jobs finish their current operation, nothing new starts") { id, reason };
        return command.Action(options, async context =>
        {
            var response = await Client(context).CancelPipelineAsync(new Proto.CancelPipelineRequest { PipelineId = context.Value(id), Reason = context.Value(reason) }, cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console => WritePipeline(console, response.Pipeline));
            return ExitCodes.Success;
        });
    }

    private static Command Gate(GlobalOptions options, string name, bool approve)
    {
        var id = PipelineId();
        var gate = new Option<string>("--gate") { Description = "Gate id (default: the only pending gate)", DefaultValueFactory = _ => string.Empty };
        var comment = new Option<string>("--comment") { Description = "Comment recorded on the gate", DefaultValueFactory = _ => string.Empty };
        var command = new Command(name, approve ? "Approve a manual gate: the pipeline goes on" : "Reject a manual gate: the guarded work and its dependents are cancelled") { id, gate, comment };
        return command.Action(options, async context =>
        {
            var response = await Client(context).ResolveManualGateAsync(
                new Proto.ResolveManualGateRequest { PipelineId = context.Value(id), GateId = context.Value(gate), Approve = approve, Comment = context.Value(comment) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ => context.Printer.Line($"gate {response.Gate.Id} {response.Gate.State}"));
            return ExitCodes.Success;
        });
    }

    public static void WritePipeline(IAnsiConsole console, Proto.Pipeline pipeline)
    {
        console.WriteLine($"pipeline {pipeline.Id} ({pipeline.Operation}, {pipeline.Trigger}) of {pipeline.ProjectName} revision {pipeline.Revision}: {pipeline.Status}{(pipeline.Result == Proto.PipelineResult.Unspecified ? string.Empty : " " + pipeline.Result)} {pipeline.Reason}".TrimEnd());
        var table = Printer.Table("NODE", "STATUS", "RESULT", "REASON");
        foreach (var node in pipeline.Nodes)
        {
            table.AddRow(Printer.Escape(node.Key), node.StackJob?.Status.ToString() ?? string.Empty, node.StackJob?.Result.ToString() ?? string.Empty, Printer.Escape(node.StackJob?.Reason));
        }

        console.Write(table);
    }

    private static void WritePipelines(IAnsiConsole console, IEnumerable<Proto.Pipeline> pipelines)
    {
        var table = Printer.Table("PIPELINE", "OPERATION", "TRIGGER", "REVISION", "STATUS", "RESULT", "CREATED");
        foreach (var p in pipelines)
        {
            table.AddRow(Printer.Escape(p.Id), p.Operation.ToString(), p.Trigger.ToString(), p.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Status.ToString(), p.Result.ToString(), Printer.Time(p.CreateTime));
        }

        console.Write(table);
    }

    private static Argument<string> PipelineId() => new("pipeline-id") { Description = "Pipeline id" };

    private static Option<string> ProjectOption() => new("--project", "-p") { Description = "Project id, org/name, or name in --org", Required = true };

    private static Proto.PipelineService.PipelineServiceClient Client(CommandContext context) => new(context.Channel);
}
