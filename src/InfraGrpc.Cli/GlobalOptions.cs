using System.CommandLine;
using Grpc.Net.Client;

namespace InfraGrpc.Cli;

/// <summary>Options every command takes: the server address and the output format.</summary>
internal sealed class GlobalOptions
{
    public GlobalOptions(CliEnvironment environment)
    {
        Environment = environment;
        Server = new Option<string>("--server")
        {
            Description = $"gRPC address of the InfraGrpc server (default ${CliApp.ServerVariable} or {CliApp.DefaultServer})",
            Recursive = true,
            DefaultValueFactory = _ => environment.GetVariable(CliApp.ServerVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : CliApp.DefaultServer,
        };
        Output = new Option<string>("--output", "-o")
        {
            Description = "Output format",
            Recursive = true,
            DefaultValueFactory = _ => "table",
        };
        Output.AcceptOnlyFromAmong("table", "json", "yaml");
    }

    public CliEnvironment Environment { get; }

    public Option<string> Server { get; }

    public Option<string> Output { get; }

    public GrpcChannel OpenChannel(ParseResult result)
    {
        var address = result.GetValue(Server)!;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--server must be an http:// or https:// address, got '{address}'");
        }

        return GrpcChannel.ForAddress(uri, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = 64 * 1024 * 1024 });
    }
}

/// <summary>The command line is wrong in a way the parser cannot see (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
