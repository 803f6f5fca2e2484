using System.CommandLine;
using System.Globalization;
using InfraGrpc.Cli.Output;
using Spectre.Console;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary><c>infractl get infra-project &lt;project&gt; [-o table|json|yaml]</c>.</summary>
internal static class GetCommands
{
    public static Command Create(GlobalOptions options)
    {
        var get = new Command("get", "Show one resource");
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var org = SharedOptions.Org();
        var infraProject = new Command("infra-project", "Show a project: source, current revision, status, last pipeline") { project, org };
        get.Subcommands.Add(infraProject.Action(options, async context =>
        {
            var response = await new Proto.InfraProjectService.InfraProjectServiceClient(context.Channel).GetProjectAsync(
                new Proto.GetProjectRequest { Project = SharedOptions.Project(context.Value(project), context.Value(org)) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console => WriteProjects(console, [response.Project]));
            return ExitCodes.Success;
        }));
        return get;
    }

    public static void WriteProjects(IAnsiConsole console, IEnumerable<Proto.InfraProject> projects)
    {
        var table = Printer.Table("PROJECT", "ENV", "SOURCE", "REVISION", "STATUS", "LAST PIPELINE", "LAST COMMIT");
        foreach (var p in projects)
        {
            var source = p.Source?.SourceCase switch
            {
                Proto.ProjectSource.SourceOneofCase.Chart => $"{p.Source.Chart.Name}@{p.Source.Chart.Version}",
                Proto.ProjectSource.SourceOneofCase.Git => $"{p.Source.Git.Url}#{p.Source.Git.Ref}",
                _ => string.Empty,
            };
            var last = p.LastPipeline is null ? string.Empty
                : p.LastPipeline.Result == Proto.PipelineResult.Unspecified ? $"{p.LastPipeline.Id} {p.LastPipeline.Status}" : $"{p.LastPipeline.Id} {p.LastPipeline.Result}";
            var commit = p.Source?.Git?.LastCommit is { } c ? $"{c.Sha[..Math.Min(12, c.Sha.Length)]} {c.Message}" : string.Empty;
            table.AddRow(Printer.Escape($"{p.Org}/{p.Name}"), Printer.Escape(p.Env), Printer.Escape(source), p.CurrentRevision.ToString(CultureInfo.InvariantCulture), p.Status.ToString(), Printer.Escape(last), Printer.Escape(commit));
        }

        console.Write(table);
        foreach (var p in projects.Where(p => p.WebhookPath.Length > 0))
        {
            console.WriteLine($"{p.Org}/{p.Name} webhooks: {p.WebhookPath}");
        }
    }
}
