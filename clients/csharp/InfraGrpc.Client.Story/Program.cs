using InfraGrpc.Client;
using InfraGrpc.Client.Story;

using var client = InfraGrpcClient.Create();
try
{
    await Story.RunAsync(client, Console.Out);
    return 0;
}
catch (Exception e) when (e is InfraGrpcException or StoryFailedException)
{
    await Console.Error.WriteLineAsync("story failed: " + e.Message);
    return 1;
}
