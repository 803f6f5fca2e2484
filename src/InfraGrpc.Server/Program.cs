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
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // A busy port is a setting to change, not a crash: one line, exit 1.
    await Console.Error.WriteLineAsync($"infragrpc: {e.Message.TrimEnd('.')}; stop what listens there, or choose other ports with --InfraGrpc:GrpcUrl=http://localhost:PORT and --InfraGrpc:HttpUrl=http://localhost:PORT");
    return 1;
}
