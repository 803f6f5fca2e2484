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
        root.Subcommands.Add(ConfigCommands.Create(options));
        root.Subcommands.Add(ChartCommands.Create(options));
        root.Subcommands.Add(ProjectCommands.Create(options));
        root.Subcommands.Add(GetCommands.Create(options));
        root.Subcommands.Add(PipelineCommands.Create(options));
        foreach (var command in AccessCommands.Create(options))
        {
            root.Subcommands.Add(command);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await environment.Error.WriteLineAsync("infractl: " + error.Message);
            }

            await environment.Error.WriteLineAsync("Run 'infractl --help' for usage.");
            return ExitCodes.BadInput;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = environment.Out, Error = environment.Error }, cancellationToken);
    }
}
