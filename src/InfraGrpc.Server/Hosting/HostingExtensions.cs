using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Rendering;
using InfraGrpc.Server.Catalog;
using InfraGrpc.Server.Grpc;
using InfraGrpc.Server.Grpc.Services;
using InfraGrpc.Storage.LiteDb;
using Microsoft.Extensions.Options;

namespace InfraGrpc.Server.Hosting;

/// <summary>The registrations of the host, one extension per concern.</summary>
public static class HostingExtensions
{
    /// <summary>Binds <see cref="InfraGrpcOptions"/> and the two Kestrel listeners.</summary>
    public static void AddInfraGrpcHosting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<InfraGrpcOptions>().BindConfiguration(InfraGrpcOptions.Section);
        var options = builder.Configuration.GetSection(InfraGrpcOptions.Section).Get<InfraGrpcOptions>() ?? new InfraGrpcOptions();
        var addresses = new ListenerAddresses();
        builder.Services.AddSingleton(addresses);
        builder.WebHost.AddInfraGrpcListeners(options, addresses);
        builder.Services.AddHostedService<StartupAnnouncer>();
    }

    /// <summary>Opens the LiteDB store now, so that a locked data directory stops the start with a clear message.</summary>
    public static void AddInfraGrpcStorage(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(InfraGrpcOptions.Section).Get<InfraGrpcOptions>() ?? new InfraGrpcOptions();
        var directory = Path.GetFullPath(options.DataDirectory, builder.Environment.ContentRootPath);
        LiteDbStore store;
        try
        {
            store = LiteDbStore.Open(directory);
        }
        catch (DataDirectoryInUseException e)
        {
            throw new StartupException(e.Message, e);
        }

        // Registered through a factory so the container disposes it (and releases the lock) on shutdown.
        builder.Services.AddSingleton(_ => store);
        builder.Services.AddSingleton<IChartStore, LiteDbChartStore>();
    }

    /// <summary>The Domain services.</summary>
    public static void AddInfraGrpcDomain(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(ChartLimits.Default);
        builder.Services.AddSingleton<ChartRenderer>();
        builder.Services.AddSingleton<ChartCatalog>();
        builder.Services.AddHostedService<BuiltInChartLoader>();
    }

    /// <summary>gRPC with the error interceptor, reflection and health.</summary>
    public static void AddInfraGrpcApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ErrorMappingInterceptor>();
            grpc.MaxReceiveMessageSize = 32 * 1024 * 1024;
            grpc.EnableDetailedErrors = builder.Environment.IsDevelopment();
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
    }

    public static void MapInfraGrpcApi(this WebApplication app)
    {
        app.MapGrpcService<InfraChartGrpcService>();
        app.MapGrpcService<InfraProjectGrpcService>();
        app.MapGrpcService<PipelineGrpcService>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        app.MapGet("/", (IOptions<InfraGrpcOptions> _) => "InfraGrpc: gRPC on the gRPC port (HTTP/2); this HTTP/1.1 port serves webhooks.\n");
    }
}
