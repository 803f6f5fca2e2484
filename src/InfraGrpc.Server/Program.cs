using InfraGrpc.Server.Hosting;

try
{
    var app = InfraGrpcServer.Build(args);
    await app.RunAsync();
    return 0;
}
catch (StartupException e)
{
    await Console.Error.WriteLineAsync("infragrpc: " + e.Message);
    return 1;
}
