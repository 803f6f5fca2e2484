using System.CommandLine;
using Grpc.Net.Client;
using InfraGrpc.Cli.Output;

namespace InfraGrpc.Cli;

/// <summary>Everything a command's action needs: its parse result, a channel to the server and the printer.</summary>
internal sealed class CommandContext(ParseResult result, GlobalOptions options, CancellationToken cancellationToken) : IDisposable
{
    private GrpcChannel? _channel;

    public ParseResult Result { get; } = result;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public CliEnvironment Environment => options.Environment;

    public GlobalOptions Options => options;

    public GrpcChannel Channel => _channel ??= options.OpenChannel(Result);

    /// <summary>The server address, once a call was made.</summary>
    public string? ServerAddress => _channel is null ? null : options.Address(Result);

    public Printer Printer { get; } = new(options.Environment, result.GetValue(options.Output) ?? "table");

    public T Value<T>(Option<T> option) => Result.GetValue(option)!;

    public T Value<T>(Argument<T> argument) => Result.GetValue(argument)!;

    public void Dispose() => _channel?.Dispose();
}
