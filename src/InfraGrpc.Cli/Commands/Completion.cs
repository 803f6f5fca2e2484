using System.CommandLine;
using System.CommandLine.Completions;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary>
/// Shell completion for bash, zsh and PowerShell. The scripts ask infractl itself (System.CommandLine's
/// <c>[suggest]</c> directive), so commands and options always match this build; project, chart and pipeline
/// arguments are completed from the server with one list call (at most 1.5 s; nothing if it cannot answer).
/// </summary>
internal static class Completion
{
    public static Command Create(GlobalOptions options)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or powershell" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "powershell");
        var command = new Command("completion", "Print a shell completion script: source <(infractl completion bash), or add it to your shell's profile") { shell };
        command.SetAction(async (result, _) =>
        {
            await options.Environment.Out.WriteAsync(Script(result.GetValue(shell)!));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Adds server-side completions to every project, chart and pipeline argument under <paramref name="root"/>.</summary>
    public static void AddServerCompletions(Command root, GlobalOptions options)
    {
        foreach (var command in All(root))
        {
            foreach (var argument in command.Arguments)
            {
                Func<Proto.InfraChartService.InfraChartServiceClient, Proto.InfraProjectService.InfraProjectServiceClient, Proto.PipelineService.PipelineServiceClient, CancellationToken, Task<IEnumerable<string>>>? list = argument.Name switch
                {
                    // "Project name" arguments name a new project: nothing to complete.
                    "project" when argument.Description?.StartsWith("Project id", StringComparison.Ordinal) == true =>
                        async (_, projects, _, token) => (await projects.ListProjectsAsync(new Proto.ListProjectsRequest { PageSize = 500 }, cancellationToken: token)).Projects.Select(p => p.Name),
                    "chart" => async (charts, _, _, token) => (await charts.ListChartsAsync(new Proto.ListChartsRequest { PageSize = 500 }, cancellationToken: token)).Charts.Select(c => c.Name),
                    "pipeline-id" => async (_, _, pipelines, token) => (await pipelines.ListPipelinesAsync(new Proto.ListPipelinesRequest { PageSize = 50 }, cancellationToken: token)).Pipelines.Select(p => p.Id),
                    _ => null,
                };
                if (list is not null)
                {
                    argument.CompletionSources.Add(context => FromServer(context, options, list));
                }
            }
        }
    }

    private static List<CompletionItem> FromServer(
        CompletionContext context,
        GlobalOptions options,
        Func<Proto.InfraChartService.InfraChartServiceClient, Proto.InfraProjectService.InfraProjectServiceClient, Proto.PipelineService.PipelineServiceClient, CancellationToken, Task<IEnumerable<string>>> list)
    {
        try
        {
            using var channel = options.OpenChannel(context.ParseResult);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            var names = list(new(channel), new(channel), new(channel), deadline.Token).GetAwaiter().GetResult();
            return names.Where(n => n.StartsWith(context.WordToComplete, StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(n => new CompletionItem(n)).ToList();
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException or UsageException or IOException)
        {
            return []; // completion never fails a shell: no server, no names
        }
    }

    private static IEnumerable<Command> All(Command command) => command.Subcommands.SelectMany(All).Prepend(command);

    private static string Script(string shell) => shell switch
    {
        "bash" => """
            # infractl completion for bash: source <(infractl completion bash)
            _infractl_complete() {
              local IFS=$'\n'
              COMPREPLY=( $(infractl "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) )
            }
            complete -o default -F _infractl_complete infractl

            """,
        "zsh" => """
            # infractl completion for zsh: source <(infractl completion zsh)
            _infractl_complete() {
              local -a completions
              completions=(${(f)"$(infractl "[suggest:${#BUFFER}]" "${BUFFER}" 2>/dev/null)"})
              compadd -- $completions
            }
            compdef _infractl_complete infractl

            """,
        _ => """
            # infractl completion for PowerShell: infractl completion powershell | Out-String | Invoke-Expression
            Register-ArgumentCompleter -Native -CommandName infractl -ScriptBlock {
              param($wordToComplete, $commandAst, $cursorPosition)
              infractl "[suggest:$cursorPosition]" "$commandAst" 2>$null | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
              }
            }

            """,
    };
}
