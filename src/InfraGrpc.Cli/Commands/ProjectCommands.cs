using System.CommandLine;
using System.Globalization;
using InfraGrpc.Cli.Input;
using InfraGrpc.Cli.Output;
using Spectre.Console;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary><c>infractl infra-project …</c> and <c>infractl chart install</c>.</summary>
internal static class ProjectCommands
{
    public static Command Create(GlobalOptions options)
    {
        var command = new Command("infra-project", "Work with Infra Projects: configured instances of a chart, with revisions and pipelines");
        command.Subcommands.Add(Update(options));
        command.Subcommands.Add(CreateGit(options));
        command.Subcommands.Add(RunPipeline(options));
        command.Subcommands.Add(Simple(options, "undeploy", "Destroy every resource in reverse dependency order; the record stays", async (c, project, message) =>
            (await Projects(c).UndeployProjectAsync(new Proto.UndeployProjectRequest { Project = project, Message = message }, cancellationToken: c.CancellationToken)).Pipeline));
        command.Subcommands.Add(Simple(options, "purge", "Undeploy, then delete the record (kept if the undeploy fails)", async (c, project, _) =>
            (await Projects(c).PurgeProjectAsync(new Proto.PurgeProjectRequest { Project = project }, cancellationToken: c.CancellationToken)).Pipeline));
        command.Subcommands.Add(Delete(options));
        command.Subcommands.Add(ForceDeleteCommand.Create(options));
        command.Subcommands.Add(History(options));
        command.Subcommands.Add(Diff(options));
        command.Subcommands.Add(Rollback(options));
        command.Subcommands.Add(Upgrade(options));
        command.Subcommands.Add(List(options));
        command.Subcommands.Add(PipelineCommands.ListForProject(options));
        command.Subcommands.Add(PipelineCommands.LastForProject(options));
        return command;
    }

    /// <summary><c>chart install &lt;project&gt; &lt;chart&gt;</c>: publishes a local chart first, then creates the project and follows its pipeline.</summary>
    public static Command Install(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project name" };
        var chart = new Argument<string>("chart") { Description = "Chart folder, .tgz, or catalog name[@version]" };
        var (org, env, files, sets, message, noWait) = (SharedOptions.Org(), SharedOptions.Env(), SharedOptions.ValuesFiles(), SharedOptions.Sets(), SharedOptions.Message(), SharedOptions.NoWait());
        var version = new Option<string?>("--version") { Description = "Version to publish a local Planton chart as" };
        var command = new Command("install", "Create a project from a chart and deploy it") { project, chart, org, env, files, sets, message, noWait, version };
        return command.Action(options, async context =>
        {
            var source = ChartSource.Parse(context.Value(chart));
            var reference = source.Reference;
            if (source is { Files: not null, LocalName: null })
            {
                // Validate the project (name, values, rendering) against the local chart before publishing it,
                // so a mistake leaves nothing behind in the catalog.
                await Projects(context).CreateProjectAsync(
                    new Proto.CreateProjectRequest
                    {
                        Name = context.Value(project),
                        Org = context.Value(org),
                        Env = context.Value(env),
                        ChartFiles = source.Files,
                        Values = SharedOptions.Values(context, files, sets),
                        ValidateOnly = true,
                    },
                    cancellationToken: context.CancellationToken);
            }

            if (source.IsLocal)
            {
                var publish = new Proto.PublishChartRequest { Version = context.Value(version) ?? string.Empty, Name = source.LocalName ?? string.Empty };
                if (source.Files is not null)
                {
                    publish.Files = source.Files;
                }
                else
                {
                    publish.Archive = source.Archive;
                }

                var published = await new Proto.InfraChartService.InfraChartServiceClient(context.Channel).PublishChartAsync(publish, cancellationToken: context.CancellationToken);
                await context.Environment.Error.WriteLineAsync($"chart {published.Chart.Name}@{published.Chart.Version} {(published.AlreadyPublished ? "already published" : "published")}");
                reference = new Proto.ChartReference { Name = published.Chart.Name, Version = published.Chart.Version };
            }

            var request = new Proto.CreateProjectRequest
            {
                Name = context.Value(project),
                Org = context.Value(org),
                Env = context.Value(env),
                Chart = reference,
                Values = SharedOptions.Values(context, files, sets),
                Message = context.Value(message),
                RequestId = Guid.NewGuid().ToString("N"),
            };
            var response = await Projects(context).CreateProjectAsync(request, cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ => context.Printer.Line($"project {response.Project.Org}/{response.Project.Name} created at revision {response.Revision.Number}"));
            return await PipelineFollower.FollowAsync(context, response.Pipeline, context.Value(noWait));
        });
    }

    private static Command Update(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var (org, files, sets, message, noWait) = (SharedOptions.Org(), SharedOptions.ValuesFiles(), SharedOptions.Sets(), SharedOptions.Message(), SharedOptions.NoWait());
        var revision = new Option<int>("--revision") { Description = "The revision this change is based on (0: no check)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the diff and the plan (what would be created, updated and destroyed); change nothing" };
        var env = new Option<string>("--env") { Description = "Refuse unless the project is in this environment (a guard against updating the wrong one)" };
        var command = new Command("update", "Change values (-f replaces them, --set alone patches them) and deploy") { project, org, env, files, sets, message, noWait, revision, dryRun };
        return command.Action(options, async context =>
        {
            var address = SharedOptions.Project(context.Value(project), context.Value(org));
            if (context.Value(env) is { Length: > 0 } expected)
            {
                var found = (await Projects(context).GetProjectAsync(new Proto.GetProjectRequest { Project = address }, cancellationToken: context.CancellationToken)).Project;
                if (found.Env != expected)
                {
                    throw new InputException($"project {found.Org}/{found.Name} is in env {found.Env}, not {expected}: nothing was changed");
                }
            }

            var request = new Proto.UpdateProjectRequest
            {
                Project = address,
                BaseRevision = context.Value(revision),
                Message = context.Value(message),
            };
            var values = SharedOptions.Values(context, files, sets);
            if (values.Layers.Count > 0)
            {
                request.Values = values;
            }
            else
            {
                request.ValuesPatch = values;
            }

            if (context.Value(dryRun))
            {
                var preview = await Projects(context).PreviewProjectAsync(new Proto.PreviewProjectRequest { Update = request }, cancellationToken: context.CancellationToken);
                context.Printer.Print(preview, _ =>
                {
                    if (preview.Diff is null)
                    {
                        context.Printer.Line("nothing would change");
                        return;
                    }

                    DiffText.Write(context.Environment.Out, preview.Diff);
                    PlanText.Write(context.Environment.Out, preview.Plan);
                });
                return ExitCodes.Success;
            }

            var response = await Projects(context).UpdateProjectAsync(request, cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ =>
            {
                context.Printer.Line(response.Changed && response.Revision is not null
                    ? $"revision {response.Revision.Number} created"
                    : response.Changed ? "labels or controls changed: no revision, no pipeline" : "nothing changed: no revision, no pipeline");
                PlanText.Write(context.Environment.Out, response.Plan);
            });
            return await PipelineFollower.FollowAsync(context, response.Pipeline, context.Value(noWait));
        });
    }

    private static Command Simple(GlobalOptions options, string name, string description, Func<CommandContext, string, string, Task<Proto.Pipeline?>> call)
    {
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var (org, message, noWait) = (SharedOptions.Org(), SharedOptions.Message(), SharedOptions.NoWait());
        var command = new Command(name, description) { project, org, message, noWait };
        return command.Action(options, async context =>
        {
            var pipeline = await call(context, SharedOptions.Project(context.Value(project), context.Value(org)), context.Value(message));
            return await PipelineFollower.FollowAsync(context, pipeline, context.Value(noWait));
        });
    }

    private static Command CreateGit(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project name" };
        var repo = new Option<string>("--repo") { Description = "Repository: https, ssh, file:// URL or a local path", Required = true };
        var branch = new Option<string>("--branch") { Description = "Branch to track", DefaultValueFactory = _ => "main" };
        var path = new Option<string>("--path") { Description = "Folder whose *.yaml files are the manifests", DefaultValueFactory = _ => string.Empty };
        var secret = new Option<string>("--webhook-secret") { Description = "Secret that signs webhooks (GitHub HMAC, GitLab token)", DefaultValueFactory = _ => string.Empty };
        var previews = new Option<bool>("--pull-request-previews") { Description = "Deploy a preview project per pull request" };
        var (org, env, message, noWait) = (SharedOptions.Org(), SharedOptions.Env(), SharedOptions.Message(), SharedOptions.NoWait());
        var command = new Command("create-git", "Create a project from a git repository of manifests and deploy its branch") { project, repo, branch, path, secret, previews, org, env, message, noWait };
        return command.Action(options, async context =>
        {
            var request = new Proto.CreateProjectRequest
            {
                Name = context.Value(project),
                Org = context.Value(org),
                Env = context.Value(env),
                Git = new Proto.GitSourceInput { Url = context.Value(repo), Ref = context.Value(branch), Path = context.Value(path), WebhookSecret = context.Value(secret) },
                Controls = new Proto.PipelineControls { EnablePullRequestDeployments = context.Value(previews) },
                Message = context.Value(message),
                RequestId = Guid.NewGuid().ToString("N"),
            };
            var response = await Projects(context).CreateProjectAsync(request, cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ => context.Printer.Line($"project {response.Project.Org}/{response.Project.Name} created from {context.Value(repo)}#{context.Value(branch)}; webhooks: {response.Project.WebhookPath}"));
            return await PipelineFollower.FollowAsync(context, response.Pipeline, context.Value(noWait));
        });
    }

    private static Command RunPipeline(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var commit = new Option<string>("--commit") { Description = "Git projects: the commit (or branch) to deploy", DefaultValueFactory = _ => string.Empty };
        var undeploy = new Option<bool>("--undeploy") { Description = "Destroy instead of deploy" };
        var (org, message, noWait) = (SharedOptions.Org(), SharedOptions.Message(), SharedOptions.NoWait());
        var command = new Command("run-pipeline", "Redeploy the current revision (drift correction, retry after a failure), or deploy a git commit") { project, commit, undeploy, org, message, noWait };
        return command.Action(options, async context =>
        {
            var request = new Proto.RunPipelineRequest
            {
                Project = SharedOptions.Project(context.Value(project), context.Value(org)),
                CommitSha = context.Value(commit),
                Message = context.Value(message),
                Operation = context.Value(undeploy) ? Proto.PipelineOperation.Undeploy : Proto.PipelineOperation.Deploy,
            };
            var response = await Pipelines(context).RunPipelineAsync(request, cancellationToken: context.CancellationToken);
            return await PipelineFollower.FollowAsync(context, response.Pipeline, context.Value(noWait));
        });
    }

    private static Command Delete(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var org = SharedOptions.Org();
        var orphan = new Option<bool>("--orphan-resources") { Description = "Delete the record although resources are deployed, leaving them in the cloud" };
        var command = new Command("delete", "Delete the project record; never destroys anything") { project, org, orphan };
        return command.Action(options, async context =>
        {
            var response = await Projects(context).DeleteProjectAsync(
                new Proto.DeleteProjectRequest { Project = SharedOptions.Project(context.Value(project), context.Value(org)), OrphanResources = context.Value(orphan) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ => context.Printer.Line($"deleted; {response.OrphanedResources.Count} resources orphaned"));
            return ExitCodes.Success;
        });
    }

    private static Command History(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var org = SharedOptions.Org();
        var command = new Command("history", "List the project's revisions, newest first") { project, org };
        return command.Action(options, async context =>
        {
            var response = await Projects(context).ListProjectRevisionsAsync(
                new Proto.ListProjectRevisionsRequest { Project = SharedOptions.Project(context.Value(project), context.Value(org)), PageSize = 500 },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console =>
            {
                var table = Printer.Table("REVISION", "TIME", "ACTOR", "CAUSE", "CHART", "MESSAGE");
                foreach (var r in response.Revisions)
                {
                    table.AddRow(r.Number.ToString(CultureInfo.InvariantCulture), Printer.Time(r.CreateTime), Printer.Escape(r.Actor), r.Cause.ToString(), Printer.Escape($"{r.Chart?.Name}@{r.Chart?.Version}"), Printer.Escape(r.Message));
                }

                console.Write(table);
            });
            return ExitCodes.Success;
        });
    }

    private static Command Diff(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var from = new Argument<int>("from") { Description = "Older revision" };
        var to = new Argument<int>("to") { Description = "Newer revision (default: current)", Arity = ArgumentArity.ZeroOrOne };
        var org = SharedOptions.Org();
        var command = new Command("diff", "Compare two revisions: values by key, chart version, manifests per resource") { project, from, to, org };
        return command.Action(options, async context =>
        {
            var response = await Projects(context).DiffProjectRevisionsAsync(
                new Proto.DiffProjectRevisionsRequest { Project = SharedOptions.Project(context.Value(project), context.Value(org)), FromRevision = context.Value(from), ToRevision = context.Value(to) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ => DiffText.Write(context.Environment.Out, response.Diff));
            return ExitCodes.Success;
        });
    }

    private static Command Rollback(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var revision = new Argument<int>("revision") { Description = "The revision to copy forward" };
        var (org, message, noWait) = (SharedOptions.Org(), SharedOptions.Message(), SharedOptions.NoWait());
        var command = new Command("rollback", "Copy an earlier revision forward as a new one and deploy it") { project, revision, org, message, noWait };
        return command.Action(options, async context =>
        {
            var response = await Projects(context).RollbackProjectAsync(
                new Proto.RollbackProjectRequest { Project = SharedOptions.Project(context.Value(project), context.Value(org)), ToRevision = context.Value(revision), Message = context.Value(message) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ =>
            {
                context.Printer.Line($"revision {response.Revision.Number} is a copy of revision {context.Value(revision)}");
                PlanText.Write(context.Environment.Out, response.Plan);
            });
            return await PipelineFollower.FollowAsync(context, response.Pipeline, context.Value(noWait));
        });
    }

    private static Command Upgrade(GlobalOptions options)
    {
        var project = new Argument<string>("project") { Description = "Project id, org/name, or name in --org" };
        var version = new Option<string>("--version") { Description = "Target chart version (default: latest)", DefaultValueFactory = _ => string.Empty };
        var (org, message, noWait) = (SharedOptions.Org(), SharedOptions.Message(), SharedOptions.NoWait());
        var command = new Command("upgrade", "Move the project to another chart version") { project, version, org, message, noWait };
        return command.Action(options, async context =>
        {
            var response = await Projects(context).UpgradeProjectChartAsync(
                new Proto.UpgradeProjectChartRequest { Project = SharedOptions.Project(context.Value(project), context.Value(org)), Version = context.Value(version), Message = context.Value(message) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ =>
            {
                DiffText.Write(context.Environment.Out, response.Diff);
                PlanText.Write(context.Environment.Out, response.Plan);
            });
            return await PipelineFollower.FollowAsync(context, response.Pipeline, context.Value(noWait));
        });
    }

    private static Command List(GlobalOptions options)
    {
        var (org, env) = (new Option<string>("--org") { Description = "Only this organisation" }, new Option<string>("--env") { Description = "Only this environment" });
        var (chart, selector) = (new Option<string>("--chart") { Description = "Only projects of this chart" }, new Option<string>("--selector", "-l") { Description = "Kubernetes label selector: k=v, k!=v, k in (a,b), k notin (a,b), k, !k; joined by commas" });
        var command = new Command("list", "List projects") { org, env, chart, selector };
        return command.Action(options, async context =>
        {
            var response = await Projects(context).ListProjectsAsync(
                new Proto.ListProjectsRequest { Org = context.Value(org) ?? string.Empty, Env = context.Value(env) ?? string.Empty, Chart = context.Value(chart) ?? string.Empty, LabelSelector = context.Value(selector) ?? string.Empty, PageSize = 500 },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console => GetCommands.WriteProjects(console, response.Projects));
            return ExitCodes.Success;
        });
    }

    private static Proto.InfraProjectService.InfraProjectServiceClient Projects(CommandContext context) => new(context.Channel);

    private static Proto.PipelineService.PipelineServiceClient Pipelines(CommandContext context) => new(context.Channel);
}
