using System.CommandLine;
using InfraGrpc.Cli.Input;
using InfraGrpc.Cli.Output;
using Spectre.Console;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary><c>infractl chart lint | render | push | list | show | versions | install</c>.</summary>
internal static class ChartCommands
{
    public static Command Create(GlobalOptions options)
    {
        var chart = new Command("chart", "Work with Infra Charts: lint and render local charts, publish them, browse the catalog, install projects");
        chart.Subcommands.Add(Lint(options));
        chart.Subcommands.Add(Render(options));
        chart.Subcommands.Add(Push(options));
        chart.Subcommands.Add(List(options));
        chart.Subcommands.Add(Show(options));
        chart.Subcommands.Add(Versions(options));
        chart.Subcommands.Add(ProjectCommands.Install(options));
        return chart;
    }

    private static Command Lint(GlobalOptions options)
    {
        var directory = new Argument<string>("chart-dir") { Description = "Chart folder" };
        var (files, sets, version) = (SharedOptions.ValuesFiles(), SharedOptions.Sets(), VersionOption());
        var command = new Command("lint", "Check a local chart: load, validate values, render and build the graph on the server; nothing is stored")
        {
            directory, files, sets, version,
        };
        return command.Action(options, async context =>
        {
            var response = await RenderAsync(context, context.Value(directory), SharedOptions.Values(context, files, sets), context.Value(version), "default");
            foreach (var diagnostic in response.Diagnostics)
            {
                await context.Environment.Error.WriteLineAsync($"warning: {diagnostic.File}: {diagnostic.Message}");
            }

            context.Printer.Print(response, _ => context.Printer.Line(
                $"{response.ChartName}@{response.ChartVersion}: ok, {response.Resources.Count} resources, {response.Graph.Edges.Count} dependencies, {response.Graph.Layers.Count} layers"));
            return ExitCodes.Success;
        });
    }

    private static Command Render(GlobalOptions options)
    {
        var chartArgument = new Argument<string>("chart") { Description = "Chart folder, .tgz, or catalog name[@version]" };
        var (files, sets, version, env) = (SharedOptions.ValuesFiles(), SharedOptions.Sets(), VersionOption(), SharedOptions.Env());
        var command = new Command("render", "Render a chart with values: prints the manifests, then the dependency graph as YAML comments")
        {
            chartArgument, files, sets, version, env,
        };
        return command.Action(options, async context =>
        {
            var response = await RenderAsync(context, context.Value(chartArgument), SharedOptions.Values(context, files, sets), context.Value(version), context.Value(env));
            context.Printer.Print(response, _ =>
            {
                foreach (var resource in response.Resources)
                {
                    context.Printer.Line("---");
                    context.Printer.Line($"# Source: {resource.SourceFile}");
                    context.Environment.Out.Write(resource.Yaml);
                }

                GraphText.Write(context.Environment.Out, response.Graph);
            });
            return ExitCodes.Success;
        });
    }

    private static Command Push(GlobalOptions options)
    {
        var source = new Argument<string>("chart") { Description = "Chart folder or .tgz archive" };
        var (version, name) = (VersionOption(), new Option<string>("--name") { Description = "Chart slug (Planton charts; default the folder name)" });
        var command = new Command("push", "Publish a chart version to the catalog (immutable: the same content again is a no-op)") { source, version, name };
        return command.Action(options, async context =>
        {
            var chart = ChartSource.Parse(context.Value(source));
            if (!chart.IsLocal)
            {
                throw new InputException($"{context.Value(source)} is not a chart folder or .tgz archive");
            }

            var request = new Proto.PublishChartRequest { Version = context.Value(version) ?? string.Empty, Name = context.Value(name) ?? chart.LocalName ?? string.Empty };
            if (chart.Files is not null)
            {
                request.Files = chart.Files;
            }
            else
            {
                request.Archive = chart.Archive;
            }

            var response = await Client(context).PublishChartAsync(request, cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ => context.Printer.Line(
                $"{(response.AlreadyPublished ? "already published" : "published")} {response.Chart.Name}@{response.Chart.Version} ({response.Chart.Digest})"));
            return ExitCodes.Success;
        });
    }

    private static Command List(GlobalOptions options)
    {
        var filter = new Argument<string>("filter") { Description = "Text to match in name, display name or description", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list", "List the catalog: the latest version of each chart") { filter };
        return command.Action(options, async context =>
        {
            var all = new Proto.ListChartsResponse();
            var request = new Proto.ListChartsRequest { Filter = context.Value(filter) ?? string.Empty, PageSize = 500 };
            do
            {
                var page = await Client(context).ListChartsAsync(request, cancellationToken: context.CancellationToken);
                all.Charts.Add(page.Charts);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);

            context.Printer.Print(all, console =>
            {
                var table = Printer.Table("NAME", "VERSION", "DISPLAY NAME", "DESCRIPTION");
                foreach (var c in all.Charts)
                {
                    table.AddRow(Printer.Escape(c.Name), Printer.Escape(c.Version), Printer.Escape(c.DisplayName), Printer.Escape(c.Description));
                }

                console.Write(table);
            });
            return ExitCodes.Success;
        });
    }

    private static Command Show(GlobalOptions options)
    {
        var reference = new Argument<string>("chart") { Description = "Catalog name[@version]" };
        var command = new Command("show", "Show a chart version: identity, parameters and README") { reference };
        return command.Action(options, async context =>
        {
            var parsed = ChartSource.Parse(context.Value(reference)).Reference ?? throw new InputException("chart show takes a catalog name[@version]");
            var response = await Client(context).GetChartAsync(new Proto.GetChartRequest { Name = parsed.Name, Version = parsed.Version }, cancellationToken: context.CancellationToken);
            var chart = response.Chart;
            context.Printer.Print(response, console =>
            {
                console.MarkupLine($"[bold]{Printer.Escape(chart.DisplayName)}[/] ({Printer.Escape(chart.Name)}@{Printer.Escape(chart.Version)})");
                console.WriteLine(chart.Description);
                console.WriteLine($"digest {chart.Digest}, published {Printer.Time(chart.PublishTime)} by {chart.PublishedBy}");
                var table = Printer.Table("PARAMETER", "TYPE", "DEFAULT", "REQUIRED", "DESCRIPTION");
                foreach (var p in chart.Parameters)
                {
                    var type = p.Type == Proto.ParameterType.StringEnum ? $"enum({string.Join('|', p.EnumValues)})" : p.Type.ToString().ToLowerInvariant();
                    table.AddRow(Printer.Escape(p.Name), Printer.Escape(type), Printer.Escape(p.DefaultValue is null ? string.Empty : Printer.Json(p.DefaultValue)), p.Required ? "yes" : string.Empty, Printer.Escape(p.Description));
                }

                console.Write(table);
                if (chart.Readme.Length > 0)
                {
                    console.WriteLine();
                    console.WriteLine(chart.Readme);
                }
            });
            return ExitCodes.Success;
        });
    }

    private static Command Versions(GlobalOptions options)
    {
        var name = new Argument<string>("name") { Description = "Chart name" };
        var command = new Command("versions", "List every published version of a chart, newest first") { name };
        return command.Action(options, async context =>
        {
            var response = await Client(context).ListChartVersionsAsync(new Proto.ListChartVersionsRequest { Name = context.Value(name), PageSize = 500 }, cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console =>
            {
                var table = Printer.Table("VERSION", "PUBLISHED", "DIGEST");
                foreach (var v in response.Versions)
                {
                    table.AddRow(Printer.Escape(v.Version), Printer.Time(v.PublishTime), Printer.Escape(v.Digest));
                }

                console.Write(table);
            });
            return ExitCodes.Success;
        });
    }

    private static Option<string?> VersionOption() => new("--version") { Description = "Chart version (required for Planton charts, whose Chart.yaml has none)" };

    private static Proto.InfraChartService.InfraChartServiceClient Client(CommandContext context) => new(context.Channel);

    private static async Task<Proto.RenderChartResponse> RenderAsync(CommandContext context, string chartText, Proto.ValuesInput values, string? version, string env)
    {
        var chart = ChartSource.Parse(chartText);
        var request = new Proto.RenderChartRequest { Values = values, Env = env };
        if (chart.Reference is not null)
        {
            request.Reference = chart.Reference;
        }
        else
        {
            request.Files = chart.Files ?? throw new InputException("render a chart folder or a catalog chart; push an archive first");
            request.InlineName = chart.LocalName ?? string.Empty;
            request.InlineVersion = version ?? PlantonLocalVersion(chart.Files);
        }

        return await Client(context).RenderChartAsync(request, cancellationToken: context.CancellationToken);
    }

    // A local Planton chart has no version of its own; linting and rendering it does not need a real one.
    private static string PlantonLocalVersion(Proto.ChartFiles files) =>
        ChartSource.IsPlanton(files)
            ? "0.0.0-local"
            : string.Empty;
}
