using InfraGrpc.Client;
using InfraGrpc.Client.Story;

using var client = InfraGrpcClient.Create();
try
{
    await Story.RunAsync(client, Console.Out);
    if (Environment.GetEnvironmentVariable("INFRAGRPC_TLS_SERVER") is { Length: > 0 } tls)
    {
        await TlsCheck.RunAsync(tls, Environment.GetEnvironmentVariable("INFRAGRPC_TLS_CA_FILE")!, Environment.GetEnvironmentVariable("INFRAGRPC_TLS_TOKEN_FILE")!, Console.Out);
    }

    return 0;
}
catch (Exception e) when (e is InfraGrpcException or StoryFailedException)
{
    await Console.Error.WriteLineAsync("story failed: " + e.Message);
    return 1;
}
