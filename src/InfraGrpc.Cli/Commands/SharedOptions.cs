using System.CommandLine;
using InfraGrpc.Cli.Input;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary>Options several commands share, created fresh per command (an option belongs to one command).</summary>
internal static class SharedOptions
{
    public static Option<string[]> ValuesFiles() => new("--values", "-f")
    {
        Description = "Values file (YAML); repeat for more, later files win and maps merge deeply",
        DefaultValueFactory = _ => [],
    };

    public static Option<string[]> Sets() => new("--set")
    {
        Description = "Override one value: key=value (typed by the parameter; dotted keys for objects; lists as {a,b})",
        DefaultValueFactory = _ => [],
    };

    public static Option<string> Org() => new("--org") { Description = "Organisation", DefaultValueFactory = _ => "default" };

    public static Option<string> Env() => new("--env") { Description = "Environment", DefaultValueFactory = _ => "default" };

    public static Option<string> Message() => new("--message", "-m") { Description = "Why: recorded on the revision or pipeline", DefaultValueFactory = _ => string.Empty };

    public static Option<bool> NoWait() => new("--no-wait") { Description = "Return once the pipeline is requested instead of following it" };

    public static Proto.ValuesInput Values(CommandContext context, Option<string[]> files, Option<string[]> sets)
    {
        var input = new Proto.ValuesInput();
        input.Layers.Add(Input.ValuesFiles.Read(context.Value(files)));
        input.Set.Add(context.Value(sets));
        return input;
    }

    /// <summary>A project named on the command line: an id, <c>org/name</c>, or a bare name in <c>--org</c>.</summary>
    public static string Project(string project, string org) => project.Contains('/', StringComparison.Ordinal) ? project : $"{org}/{project}";
}
