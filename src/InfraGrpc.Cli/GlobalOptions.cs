using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;

namespace InfraGrpc.Cli;

/// <summary>Options every command takes: the server address and the output format.</summary>
internal sealed class GlobalOptions
{
    public GlobalOptions(CliEnvironment environment)
    {
        Environment = environment;
        Server = new Option<string?>("--server")
        {
            Description = $"gRPC address of the InfraGrpc server (default ${CliApp.ServerVariable}, the context's server, or {CliApp.DefaultServer})",
            Recursive = true,
        };
        Context = new Option<string?>("--context")
        {
            Description = $"A context of the infractl config (${CliConfig.PathVariable}, default ~/.config/infractl/config.yaml); default the current one",
            Recursive = true,
        };
        Output = new Option<string>("--output", "-o")
        {
            Description = "Output format",
            Recursive = true,
            DefaultValueFactory = _ => "table",
        };
        Output.AcceptOnlyFromAmong("table", "json", "yaml");
        CaFile = new Option<string?>("--ca-file")
        {
            Description = $"A PEM file of the CA that signed the server's certificate, for https:// servers it does not already trust (default ${CliApp.CaVariable})",
            Recursive = true,
        };
        CancelOnInterrupt = new Option<bool>("--cancel-on-interrupt")
        {
            Description = "When following a pipeline, Ctrl-C cancels it (by default Ctrl-C only stops following)",
            Recursive = true,
        };
        TokenFile = new Option<string?>("--token-file")
        {
            Description = $"A file holding the bearer token (default ${CliApp.TokenVariable}); never put a token on the command line",
            Recursive = true,
        };
    }

    public CliEnvironment Environment { get; }

    public Option<string?> Server { get; }

    public Option<string?> Context { get; }

    public Option<string> Output { get; }

    public Option<bool> CancelOnInterrupt { get; }

    public Option<string?> TokenFile { get; }

    public Option<string?> CaFile { get; }

    /// <summary>The server address: the flag, else the environment, else the context, else the default.</summary>
    public string Address(ParseResult result) =>
        result.GetValue(Server) is { Length: > 0 } flag ? flag
            : Environment.GetVariable(CliApp.ServerVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : CliConfig.Load(CliConfig.PathFor(Environment)).Select(result.GetValue(Context))?.Server ?? CliApp.DefaultServer;

    public GrpcChannel OpenChannel(ParseResult result)
    {
        // Flags win over the environment, which wins over the context.
        var context = CliConfig.Load(CliConfig.PathFor(Environment)).Select(result.GetValue(Context));
        var address = Address(result);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--server must be an http:// or https:// address, got '{address}'");
        }

        var channelOptions = new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = 64 * 1024 * 1024 };
        var caFile = result.GetValue(CaFile) is { Length: > 0 } given ? given : Environment.GetVariable(CliApp.CaVariable) is { Length: > 0 } fromVariable ? fromVariable : context?.CaFile;
        if (caFile is { Length: > 0 })
        {
            channelOptions.HttpHandler = TrustingOnly(caFile);
        }
        if (Token(result, context) is { } token)
        {
            channelOptions.Credentials = ChannelCredentials.Create(
                uri.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
                CallCredentials.FromInterceptor((_, metadata) =>
                {
                    metadata.Add("authorization", "Bearer " + token);
                    return Task.CompletedTask;
                }));

            // Over http:// the token travels in clear text: fine on loopback, and the server's TLS setup is the answer elsewhere.
            channelOptions.UnsafeUseInsecureChannelCallCredentials = uri.Scheme == Uri.UriSchemeHttp;
        }

        return GrpcChannel.ForAddress(uri, channelOptions);
    }

    // Trusts the server's certificate only when it chains to the given CA.
    private static SocketsHttpHandler TrustingOnly(string caFile)
    {
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new UsageException($"--ca-file {caFile} cannot be read as PEM: {e.Message}");
        }

        return global::InfraGrpc.Client.ServerTrust.TrustingOnly(authorities);
    }

    // --token-file, else $INFRAGRPC_TOKEN, else the context's token file; none means anonymous.
    private string? Token(ParseResult result, CliContext? context)
    {
        if (Environment.GetVariable(CliApp.TokenVariable) is { Length: > 0 } fromEnvironment && result.GetValue(TokenFile) is not { Length: > 0 })
        {
            return fromEnvironment.Trim();
        }

        if ((result.GetValue(TokenFile) is { Length: > 0 } given ? given : context?.TokenFile) is { Length: > 0 } file)
        {
            try
            {
                return File.ReadAllText(file).Trim() is { Length: > 0 } token ? token : throw new UsageException($"--token-file {file} is empty");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--token-file {file} cannot be read: {e.Message}");
            }
        }

        return null;
    }
}

/// <summary>The command line is wrong in a way the parser cannot see (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
