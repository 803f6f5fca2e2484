using Grpc.Core;
using InfraGrpc.Contracts.V1;

namespace InfraGrpc.Client.Story;

/// <summary>
/// Against a TLS server that requires a token (test.sh sets INFRAGRPC_TLS_SERVER, INFRAGRPC_TLS_CA_FILE and
/// INFRAGRPC_TLS_TOKEN_FILE): the CA file and token file are enough, and without either the call fails.
/// </summary>
internal static class TlsCheck
{
    public static async Task RunAsync(string server, string caFile, string tokenFile, TextWriter output)
    {
        using (var client = InfraGrpcClient.Create(new InfraGrpcClientOptions { Server = server, CaFile = caFile, TokenFile = tokenFile }))
        {
            var listed = await client.Charts.ListChartsAsync(new ListChartsRequest());
            Expect(listed.Charts.Count > 0, "https with the CA file and token file lists the catalog");
        }

        using (var client = InfraGrpcClient.Create(new InfraGrpcClientOptions { Server = server, CaFile = caFile, Token = string.Empty }))
        {
            var (code, _) = await StatusOf(() => client.Charts.ListChartsAsync(new ListChartsRequest()).ResponseAsync);
            Expect(code == StatusCode.Unauthenticated, $"without a token the server says UNAUTHENTICATED (got {code})");
        }

        using (var client = InfraGrpcClient.Create(new InfraGrpcClientOptions { Server = server, CaFile = string.Empty, TokenFile = tokenFile }))
        {
            // Grpc.Net.Client reports a refused certificate as INTERNAL or UNAVAILABLE, with the TLS failure in the detail.
            var (code, detail) = await StatusOf(() => client.Charts.ListChartsAsync(new ListChartsRequest()).ResponseAsync);
            Expect(code is StatusCode.Internal or StatusCode.Unavailable && detail.Contains("SSL", StringComparison.Ordinal), $"without the CA the certificate is not trusted (got {code}: {detail})");
        }

        await output.WriteLineAsync("tls: a CA file and a token file reach a secured server; without either the call fails");
    }

    private static async Task<(StatusCode Code, string Detail)> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return (StatusCode.OK, string.Empty);
        }
        catch (RpcException e)
        {
            return (e.StatusCode, e.Status.Detail + " " + e.Status.DebugException?.Message);
        }
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new StoryFailedException(what);
        }
    }
}
