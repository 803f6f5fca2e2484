using InfraGrpc.Server.Hosting;

try
{
    var app = InfraGrpcServer.Build(args);
    await app.RunAsync();
    return app.Services.GetRequiredService<StoreWatchdog>().Failed ? StoreWatchdog.ExitCode : 0;
}
catch (StartupException e)
{
    await Console.Error.WriteLineAsync("infragrpc: " + e.Message);
    return 1;
}
