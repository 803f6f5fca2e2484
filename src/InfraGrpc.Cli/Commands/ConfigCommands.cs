using System.CommandLine;
using InfraGrpc.Cli.Output;
using Spectre.Console;

namespace InfraGrpc.Cli.Commands;

/// <summary><c>infractl config set-context|use-context|get-contexts</c>, kubectl-style.</summary>
internal static class ConfigCommands
{
    public static Command Create(GlobalOptions options)
    {
        var config = new Command("config", "Contexts: named servers with their CA and token files (the file keeps paths, never tokens)");
        config.Subcommands.Add(SetContext(options));
        config.Subcommands.Add(UseContext(options));
        config.Subcommands.Add(GetContexts(options));
        return config;
    }

    private static Command SetContext(GlobalOptions options)
    {
        var name = new Argument<string>("name") { Description = "The context name" };
        var server = new Option<string?>("--server-url") { Description = "The server address, e.g. https://infragrpc.acme.example:8443" };
        var ca = new Option<string?>("--ca") { Description = "A PEM file of the CA that signed the server's certificate" };
        var token = new Option<string?>("--token-path") { Description = "A file holding the bearer token" };
        var command = new Command("set-context", "Create or change a context (and make it current when there is none)") { name, server, ca, token };
        command.SetAction(result => Run(options, () =>
        {
            var path = CliConfig.PathFor(options.Environment);
            var file = CliConfig.Load(path);
            var context = file.Contexts.FirstOrDefault(c => c.Name == result.GetValue(name));
            if (context is null)
            {
                file.Contexts.Add(context = new CliContext { Name = result.GetValue(name)! });
            }

            context.Server = result.GetValue(server) ?? context.Server;
            context.CaFile = result.GetValue(ca) is { } caFile ? Path.GetFullPath(caFile) : context.CaFile;
            context.TokenFile = result.GetValue(token) is { } tokenFile ? Path.GetFullPath(tokenFile) : context.TokenFile;
            file.CurrentContext ??= context.Name;
            file.Save(path);
            options.Environment.Out.WriteLine($"context {context.Name} saved in {path}");
        }));
        return command;
    }

    private static Command UseContext(GlobalOptions options)
    {
        var name = new Argument<string>("name") { Description = "The context to make current" };
        var command = new Command("use-context", "Make a context the current one") { name };
        command.SetAction(result => Run(options, () =>
        {
            var path = CliConfig.PathFor(options.Environment);
            var file = CliConfig.Load(path);
            file.CurrentContext = file.Select(result.GetValue(name))!.Name;
            file.Save(path);
            options.Environment.Out.WriteLine($"now using context {file.CurrentContext}");
        }));
        return command;
    }

    private static Command GetContexts(GlobalOptions options)
    {
        var command = new Command("get-contexts", "List the contexts; * marks the current one");
        command.SetAction(result => Run(options, () =>
        {
            var file = CliConfig.Load(CliConfig.PathFor(options.Environment));
            var table = Printer.Table("CURRENT", "NAME", "SERVER", "CA", "TOKEN FILE");
            foreach (var context in file.Contexts)
            {
                table.AddRow(context.Name == file.CurrentContext ? "*" : string.Empty, Printer.Escape(context.Name), Printer.Escape(context.Server), Printer.Escape(context.CaFile), Printer.Escape(context.TokenFile));
            }

            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(options.Environment.Out), Ansi = AnsiSupport.No }).Write(table);
        }));
        return command;
    }

    private static int Run(GlobalOptions options, Action action)
    {
        try
        {
            action();
            return ExitCodes.Success;
        }
        catch (UsageException e)
        {
            options.Environment.Error.WriteLine("infractl: " + e.Message);
            return ExitCodes.BadInput;
        }
    }
}
