using System.CommandLine;
using Google.Rpc;
using Grpc.Core;

namespace InfraGrpc.Cli;

/// <summary>Runs command actions with one error policy: gRPC errors are printed with their details and mapped to exit codes.</summary>
internal static class CommandRunner
{
    public static Command Action(this Command command, GlobalOptions options, Func<CommandContext, Task<int>> body)
    {
        command.SetAction(async (result, cancellationToken) =>
        {
            using var context = new CommandContext(result, options, cancellationToken);
            try
            {
                return await body(context);
            }
            catch (RpcException e)
            {
                await PrintAsync(options.Environment.Error, e, context.ServerAddress);
                await SuggestAsync(context, e);
                return ExitCodeOf(e.StatusCode);
            }
            catch (InfraGrpc.Client.InfraGrpcException e) when (e.InnerException is RpcException rpc)
            {
                await PrintAsync(options.Environment.Error, rpc, context.ServerAddress);
                await SuggestAsync(context, rpc);
                return ExitCodeOf(e.StatusCode);
            }
            catch (Exception e) when (e is UsageException or IOException or UnauthorizedAccessException or InputException)
            {
                await options.Environment.Error.WriteLineAsync("infractl: " + e.Message);
                return ExitCodes.BadInput;
            }
        });
        return command;
    }

    public static int ExitCodeOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.AlreadyExists or StatusCode.FailedPrecondition
            or StatusCode.Aborted or StatusCode.Unimplemented or StatusCode.OutOfRange
            or StatusCode.Unauthenticated or StatusCode.PermissionDenied => ExitCodes.BadInput,
        _ => ExitCodes.Failure,
    };

    // A chart or project that does not exist: name the closest ones the caller can see, as kubectl and git do.
    private static async Task SuggestAsync(CommandContext context, RpcException exception)
    {
        if (exception.StatusCode != StatusCode.NotFound || exception.GetRpcStatus()?.GetDetail<ResourceInfo>() is not { } missing)
        {
            return;
        }

        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(5));
            IEnumerable<string> known = missing.ResourceType switch
            {
                "chart" => (await new Contracts.V1.InfraChartService.InfraChartServiceClient(context.Channel)
                    .ListChartsAsync(new Contracts.V1.ListChartsRequest { PageSize = 500 }, cancellationToken: deadline.Token)).Charts.Select(c => c.Name),
                "project" => (await new Contracts.V1.InfraProjectService.InfraProjectServiceClient(context.Channel)
                    .ListProjectsAsync(new Contracts.V1.ListProjectsRequest { PageSize = 500 }, cancellationToken: deadline.Token)).Projects
                    .SelectMany(p => (string[])[p.Name, $"{p.Org}/{p.Name}"]),
                _ => [],
            };
            var closest = Suggestions.Closest(missing.ResourceName, known);
            if (closest.Count > 0)
            {
                await context.Environment.Error.WriteLineAsync($"  did you mean {Suggestions.Phrase(closest)}?");
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
            // The suggestion is a courtesy; the error above already said what failed.
        }
    }

    private static async Task PrintAsync(TextWriter error, RpcException exception, string? server)
    {
        if (exception.StatusCode == StatusCode.Unavailable && exception.GetRpcStatus() is null)
        {
            // No answer at all: say where we looked and how to look elsewhere.
            await error.WriteLineAsync(
                $"infractl: cannot reach the InfraGrpc server at {server ?? CliApp.DefaultServer} ({exception.Status.Detail.TrimEnd('.')}); " +
                $"start it (dotnet run --project src/InfraGrpc.Server), or point infractl at it with --server URL or {CliApp.ServerVariable}");
            return;
        }

        var status = exception.GetRpcStatus();
        var name = exception.StatusCode switch
        {
            StatusCode.Unavailable => "server unavailable",
            StatusCode.Unimplemented => "not implemented by the server",
            _ => exception.StatusCode.ToString(),
        };
        await error.WriteLineAsync($"infractl: {name}: {status?.Message ?? exception.Status.Detail}");
        var message = status?.Message ?? exception.Status.Detail;
        if (status?.GetDetail<BadRequest>() is { } badRequest
            && !(badRequest.FieldViolations.Count == 1 && message.Contains(badRequest.FieldViolations[0].Description, StringComparison.Ordinal)))
        {
            // One violation is already the message; several are listed one per line.
            foreach (var violation in badRequest.FieldViolations)
            {
                await error.WriteLineAsync($"  - {violation.Field}: {violation.Description}");
            }
        }
    }
}

/// <summary>A local input (values file, chart folder, argument) is unusable (exit code 2).</summary>
internal sealed class InputException(string message) : Exception(message);
