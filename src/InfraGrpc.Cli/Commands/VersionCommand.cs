using System.CommandLine;
using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary><c>infractl version</c>: this client's version and the server's (from its <c>infragrpc-version</c> header).</summary>
internal static class VersionCommand
{
    public static Command Create(GlobalOptions options)
    {
        var command = new Command("version", "Print infractl's version and the server's");
        return command.Action(options, async context =>
        {
            context.Printer.Line($"infractl {Contracts.ProductVersion.Current}");
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

            var server = headers.GetValue(Contracts.ProductVersion.Header) ?? call.GetTrailers().GetValue(Contracts.ProductVersion.Header);
            context.Printer.Line($"server {server ?? "(did not say)"} at {context.ServerAddress}");
            return ExitCodes.Success;
        });
    }
}
