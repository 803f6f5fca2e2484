namespace InfraGrpc.Server.Hosting;

/// <summary>Builds the InfraGrpc host; shared by <c>Program</c> and the end-to-end test fixture.</summary>
public static class InfraGrpcServer
{
    /// <exception cref="StartupException">A setting is wrong or the data directory is in use.</exception>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddInfraGrpcHosting();

        // Before the store is opened: a refused configuration leaves the data directory untouched.
        Access.AccessSetup.AddInfraGrpcAccess(builder);
        builder.AddInfraGrpcStorage();
        builder.AddInfraGrpcDomain();
        builder.AddInfraGrpcApi();
        builder.AddInfraGrpcTelemetry();

        var app = builder.Build();
        app.MapInfraGrpcApi();
        return app;
    }
}
