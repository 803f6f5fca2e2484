using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using InfraGrpc.Contracts.V1;

namespace InfraGrpc.Client;

/// <summary>
/// The three InfraGrpc services over one channel. The server address defaults to
/// <c>$INFRAGRPC_SERVER</c> or <c>http://localhost:50051</c>; a token is sent as a bearer token.
/// </summary>
public sealed class InfraGrpcClient : IDisposable
{
    public const string ServerVariable = "INFRAGRPC_SERVER";
    public const string DefaultServer = "http://localhost:50051";

    private readonly GrpcChannel _channel;

    private InfraGrpcClient(GrpcChannel channel)
    {
        _channel = channel;
        Charts = new InfraChartService.InfraChartServiceClient(channel);
        Projects = new InfraProjectService.InfraProjectServiceClient(channel);
        Pipelines = new PipelineService.PipelineServiceClient(channel);
    }

    public InfraChartService.InfraChartServiceClient Charts { get; }

    public InfraProjectService.InfraProjectServiceClient Projects { get; }

    public PipelineService.PipelineServiceClient Pipelines { get; }

    /// <summary>Wraps a channel the caller owns and configured (disposing the client disposes it).</summary>
    public static InfraGrpcClient From(GrpcChannel channel) => new(channel);

    public const string TokenVariable = "INFRAGRPC_TOKEN";
    public const string TokenFileVariable = "INFRAGRPC_TOKEN_FILE";
    public const string CaFileVariable = "INFRAGRPC_CA_FILE";

    public static InfraGrpcClient Create(string? server = null, string? token = null) => Create(new InfraGrpcClientOptions { Server = server, Token = token });

    /// <summary>
    /// Connects with <paramref name="settings"/>; what they leave unset comes from <c>$INFRAGRPC_SERVER</c>,
    /// <c>$INFRAGRPC_TOKEN</c> (or the file named by <c>$INFRAGRPC_TOKEN_FILE</c>) and <c>$INFRAGRPC_CA_FILE</c>.
    /// </summary>
    /// <exception cref="IOException">The token file or CA file cannot be read.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The CA file is not PEM certificates.</exception>
    public static InfraGrpcClient Create(InfraGrpcClientOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var address = settings.Server ?? (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultServer);
        var tokenFile = settings.TokenFile ?? Environment.GetEnvironmentVariable(TokenFileVariable);
        var token = settings.Token ?? (tokenFile is { Length: > 0 } ? File.ReadAllText(tokenFile).Trim() : Environment.GetEnvironmentVariable(TokenVariable));
        var caFile = settings.CaFile ?? Environment.GetEnvironmentVariable(CaFileVariable);
        var secure = address.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var options = new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024, MaxSendMessageSize = 64 * 1024 * 1024 };
        if (secure && caFile is { Length: > 0 })
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caFile);
            options.HttpHandler = ServerTrust.TrustingOnly(authorities);
            options.DisposeHttpClient = true;
        }

        if (!string.IsNullOrEmpty(token))
        {
            var credentials = CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return Task.CompletedTask;
            });
            options.Credentials = ChannelCredentials.Create(secure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, credentials);

            // h2c on loopback is the default deployment; tokens over it are the operator's choice.
            options.UnsafeUseInsecureChannelCallCredentials = !secure;
        }

        return new InfraGrpcClient(GrpcChannel.ForAddress(address, options));
    }

    /// <summary>
    /// Every event of a pipeline until the terminal one. If the stream drops (server restart, network),
    /// it reconnects with <c>after_sequence</c> and goes on, so no event is missed or repeated. The server
    /// may send a watcher that fell behind several events in one message; they come out one by one here.
    /// </summary>
    /// <exception cref="InfraGrpcException">The server refused the watch (unknown pipeline, bad input).</exception>
    public async IAsyncEnumerable<WatchPipelineResponse> WatchPipelineAsync(
        string pipelineId, ulong afterSequence = 0, int maxReconnects = 10, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var last = afterSequence;
        for (var attempt = 0; ; attempt++)
        {
            using var call = Pipelines.WatchPipeline(new WatchPipelineRequest { PipelineId = pipelineId, AfterSequence = last, AllowBatches = true }, cancellationToken: cancellationToken);
            var stream = call.ResponseStream;
            while (true)
            {
                WatchPipelineResponse current;
                try
                {
                    if (!await stream.MoveNext(cancellationToken))
                    {
                        yield break;
                    }

                    current = stream.Current;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < maxReconnects && !cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (RpcException e)
                {
                    throw InfraGrpcException.From(e);
                }

                foreach (var e in current.Events.Count > 0 ? current.Events : [current])
                {
                    last = Math.Max(last, e.Sequence);
                    yield return e;
                    if (e.Terminal)
                    {
                        yield break;
                    }
                }
            }
        }
    }

    public void Dispose() => _channel.Dispose();
}
