using System.CommandLine;
using InfraGrpc.Cli.Commands;

namespace InfraGrpc.Cli;

/// <summary>The <c>infractl</c> command tree (DESIGN §8) and its invocation.</summary>
internal static class CliApp
{
    public const string ServerVariable = "INFRAGRPC_SERVER";
    public const string DefaultServer = "http://localhost:50051";
    public const string TokenVariable = "INFRAGRPC_TOKEN";
    public const string CaVariable = "INFRAGRPC_CA_FILE";

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var options = new GlobalOptions(environment);
        var root = new RootCommand("infractl: drive an InfraGrpc server (charts, projects, pipelines) from the shell");
        root.Options.Add(options.Server);
        root.Options.Add(options.Output);
        root.Options.Add(options.TokenFile);
        root.Options.Add(options.CaFile);
        root.Options.Add(options.Context);
        root.Options.Add(options.CancelOnInterrupt);
        root.Subcommands.Add(ConfigCommands.Create(options));
        root.Subcommands.Add(VersionCommand.Create(options));
        root.Subcommands.Add(ChartCommands.Create(options));
        root.Subcommands.Add(ProjectCommands.Create(options));
        root.Subcommands.Add(GetCommands.Create(options));
        root.Subcommands.Add(PipelineCommands.Create(options));
        foreach (var command in AccessCommands.Create(options))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(Completion.Create(options));
        Completion.AddServerCompletions(root, options);

        var parsed = root.Parse(args);

        // A shell asking for completions ([suggest:N]) parses a half-typed line: its errors are expected.
        var completing = args.Length > 0 && args[0].StartsWith("[suggest", StringComparison.Ordinal);
        if (parsed.Errors.Count > 0 && !completing)
        {
            foreach (var error in parsed.Errors)
            {
                await environment.Error.WriteLineAsync("infractl: " + error.Message + DidYouMean(error.Message, parsed.CommandResult.Command, root));
            }

            await environment.Error.WriteLineAsync("Run 'infractl --help' for usage.");
            return ExitCodes.BadInput;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = environment.Out, Error = environment.Error }, cancellationToken);
    }

    // "Unrecognized command or argument 'instal'." → " Did you mean 'install'?" among the subcommands and
    // options of the command where parsing stopped.
    private static string DidYouMean(string message, Command command, RootCommand root)
    {
        const string marker = "Unrecognized command or argument '";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0 || message.IndexOf('\'', at + marker.Length) is var end && end < 0)
        {
            return string.Empty;
        }

        var typed = message[(at + marker.Length)..end];
        var candidates = command.Subcommands.SelectMany(c => c.Aliases.Append(c.Name))
            .Concat(typed.StartsWith('-') ? command.Options.Concat(root.Options).SelectMany(o => o.Aliases.Append(o.Name)) : []);
        var closest = Suggestions.Closest(typed, candidates);
        return closest.Count == 0 ? string.Empty : $" Did you mean {Suggestions.Phrase(closest)}?";
    }
}
