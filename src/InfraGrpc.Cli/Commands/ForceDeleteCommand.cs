using System.CommandLine;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary><c>infractl infra-project force-delete &lt;project&gt; --reason …</c>: the administrator's way out for an unreadable record.</summary>
internal static class ForceDeleteCommand
{
    public static Command Create(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var org = SharedOptions.Org();
        var reason = new Option<string>("--reason") { Description = "Why the record is removed without being read (kept with the deletion)", Required = true };
        var command = new Command("force-delete", "Remove a project record that cannot be read any more, without reading it; destroys nothing") { project, org, reason };
        return command.Action(options, async context =>
        {
            var response = await new Proto.InfraProjectService.InfraProjectServiceClient(context.Channel).ForceDeleteProjectAsync(
                new Proto.ForceDeleteProjectRequest { Project = SharedOptions.Project(context.Value(project), context.Value(org)), Reason = context.Value(reason) ?? string.Empty },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ => context.Printer.Line(
                $"removed {response.QualifiedName} ({response.ProjectId}) and {response.RemovedResourceRecords} resource records; nothing was destroyed"));
            return ExitCodes.Success;
        });
    }
}
