using System.CommandLine;
using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary><c>infractl version</c>: this client's version and the server's (from its <c>infragrpc-version</c> header).</summary>
internal static class VersionCommand
{
    public const string Header = "infragrpc-version";

    public static string ClientVersion { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    public static Command Create(GlobalOptions options)
    {
        var command = new Command("version", "Print infractl's version and the server's");
        return command.Action(options, async context =>
        {
            context.Printer.Line($"infractl {ClientVersion}");
            using var call = new Proto.AccessService.AccessServiceClient(context.Channel).WhoAmIAsync(new Proto.WhoAmIRequest(), cancellationToken: context.CancellationToken);
            Metadata headers;
            try
            {
                headers = await call.ResponseHeadersAsync;
                await call.ResponseAsync;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            {
                // The server answered, so its version header is there even if we may not ask who we are.
                headers = call.GetTrailers();
            }

            var server = headers.GetValue(Header) ?? call.GetTrailers().GetValue(Header);
            context.Printer.Line($"server {server ?? "(did not say)"} at {context.ServerAddress}");
            return ExitCodes.Success;
        });
    }
}
