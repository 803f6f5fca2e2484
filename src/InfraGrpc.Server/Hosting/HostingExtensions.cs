using Grpc.AspNetCore.Server.Model;
using Grpc.AspNetCore.Web;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Provisioners;
using InfraGrpc.Domain.Rendering;
using InfraGrpc.Server.Catalog;
using InfraGrpc.Server.Grpc;
using InfraGrpc.Server.Grpc.Services;
using InfraGrpc.Server.Logging;
using InfraGrpc.Server.Pipelines;
using InfraGrpc.Storage.LiteDb;
using InfraGrpc.Storage.Postgres;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InfraGrpc.Server.Hosting;

/// <summary>The registrations of the host, one extension per concern.</summary>
public static class HostingExtensions
{
    /// <summary>Binds <see cref="InfraGrpcOptions"/> and the two Kestrel listeners.</summary>
    public static void AddInfraGrpcHosting(this WebApplicationBuilder builder)
    {
        // Defaults under every other source: ASP.NET Core's four Information lines per request (request
        // starting and finished, endpoint executing and executed) are off unless a setting turns them on.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
        });
        builder.Services.AddOptions<InfraGrpcOptions>().BindConfiguration(InfraGrpcOptions.Section);
        var options = builder.Configuration.GetSection(InfraGrpcOptions.Section).Get<InfraGrpcOptions>() ?? new InfraGrpcOptions();
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, options.MinWorkerThreads), io);
        var addresses = new ListenerAddresses();
        builder.Services.AddSingleton(addresses);
        builder.WebHost.AddInfraGrpcListeners(options, addresses);
        builder.Services.AddHostedService<StartupAnnouncer>();
    }

    /// <summary>
    /// Opens the store now (the LiteDB file, or PostgreSQL when <c>InfraGrpc:Storage:Provider</c> is <c>postgres</c>), so that
    /// a locked data directory or an unreachable database stops the start with a clear message.
    /// </summary>
    public static void AddInfraGrpcStorage(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(InfraGrpcOptions.Section).Get<InfraGrpcOptions>() ?? new InfraGrpcOptions();
        var directory = Path.GetFullPath(options.DataDirectory, builder.Environment.ContentRootPath);
        switch (options.Storage.Provider.ToLowerInvariant())
        {
            case StorageOptions.LiteDb:
                AddLiteDb(builder, directory, options.Storage);
                break;
            case StorageOptions.Postgres:
                AddPostgres(builder, options.Storage);
                break;
            default:
                throw new StartupException($"InfraGrpc:Storage:Provider is '{options.Storage.Provider}'; it must be '{StorageOptions.LiteDb}' (the default) or '{StorageOptions.Postgres}'");
        }

        // The data directory still holds what each server keeps for itself: the git cache, the page-token and secret keys.
        Directory.CreateDirectory(directory);
        builder.Services.AddSingleton(new GitRepositories(Path.Combine(directory, "git-cache")));
        builder.Services.AddSingleton(PageTokens.LoadOrCreate(Path.Combine(directory, "page-tokens.key")));
        builder.Services.AddSingleton<StoreWatchdog>();
        var keys = builder.Configuration["InfraGrpc:Secrets:KeysDirectory"] is { Length: > 0 } configured ? configured : Path.Combine(directory, "keys");
        // The key ring is plain XML on disk (no platform key encryptor on Linux), so only the server's user may read it.
        var keyFolder = OperatingSystem.IsWindows() ? Directory.CreateDirectory(keys) : Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        builder.Services.AddDataProtection().SetApplicationName("InfraGrpc").PersistKeysToFileSystem(keyFolder);
        builder.Services.AddSingleton(sp => new Secrets.SecretBox(sp.GetRequiredService<IDataProtectionProvider>(), Path.Combine(keys, "sensitive-tags.key")));
        builder.Services.AddSingleton<ISecretSealer>(sp => sp.GetRequiredService<Secrets.SecretBox>());
    }

    private static void AddLiteDb(WebApplicationBuilder builder, string directory, StorageOptions storage)
    {
        LiteDbStore store;
        try
        {
            store = LiteDbStore.Open(directory, storage.MinFreeBytes);
        }
        catch (Exception e) when (e is DataDirectoryInUseException or DataDirectoryUnusableException)
        {
            throw new StartupException(e.Message, e);
        }
        catch (Exception e) when (e is LiteDB.LiteException or IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"the database file {Path.Combine(directory, LiteDbStore.DatabaseFileName)} cannot be opened ({e.Message.TrimEnd('.')}); restore it from a backup or point --InfraGrpc:DataDirectory=PATH at another directory", e);
        }

        // Registered through a factory so the container disposes it (and releases the lock) on shutdown.
        builder.Services.AddSingleton(_ => store);
        builder.Services.AddSingleton<IStoreProbe, LiteDbStoreProbe>();
        builder.Services.AddSingleton<IWebhookDeliveries, LiteDbWebhookDeliveries>();
        builder.Services.AddSingleton<IChartStore, LiteDbChartStore>();
        builder.Services.AddSingleton<IProjectStore, LiteDbProjectStore>();
        builder.Services.AddSingleton<IPipelineStore, LiteDbPipelineStore>();
        builder.Services.AddSingleton<ISimulatedInventory, LiteDbSimulatedInventory>();
        builder.Services.AddSingleton<Domain.Access.IAccessStore, LiteDbAccessStore>();
        builder.Services.AddSingleton<Domain.Access.IAuditStore, LiteDbAuditStore>();
    }

    private static void AddPostgres(WebApplicationBuilder builder, StorageOptions storage)
    {
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            throw new StartupException("InfraGrpc:Storage:Provider is 'postgres' but InfraGrpc:Storage:ConnectionString is empty; set it to an Npgsql connection string (Host=…;Database=…;Username=…)");
        }

        PostgresStore store;
        string location;
        try
        {
            location = PostgresStore.LocationOf(storage.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new StartupException($"InfraGrpc:Storage:ConnectionString is not a valid Npgsql connection string ({e.Message.TrimEnd('.')})", e);
        }

        try
        {
            store = PostgresStore.OpenAsync(storage.ConnectionString).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new StartupException($"the PostgreSQL database {location} cannot be opened ({e.Message.TrimEnd('.')})", e);
        }

        if (!store.TryHoldSingleServerLockAsync().GetAwaiter().GetResult())
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new StartupException($"another InfraGrpc server is using the PostgreSQL database {location}; this version coordinates pipelines in one server's memory, so one server runs per database");
        }

        builder.Services.AddSingleton(_ => store);
        builder.Services.AddSingleton<IStoreProbe, PostgresStoreProbe>();
        builder.Services.AddSingleton<IWebhookDeliveries, PostgresWebhookDeliveries>();
        builder.Services.AddSingleton<IChartStore, PostgresChartStore>();
        builder.Services.AddSingleton<IProjectStore, PostgresProjectStore>();
        builder.Services.AddSingleton<IPipelineStore, PostgresPipelineStore>();
        builder.Services.AddSingleton<ISimulatedInventory, PostgresSimulatedInventory>();
        builder.Services.AddSingleton<Domain.Access.IAccessStore, PostgresAccessStore>();
        builder.Services.AddSingleton<Domain.Access.IAuditStore, PostgresAuditStore>();
    }

    /// <summary>The Domain services.</summary>
    public static void AddInfraGrpcDomain(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(ChartLimits.Default);
        builder.Services.AddSingleton<ChartRenderer>();
        builder.Services.AddSingleton<ChartCatalog>();
        builder.Services.AddHostedService<BuiltInChartLoader>();
        builder.Services.AddSingleton<ProjectService>();

        builder.Services.AddSingleton(builder.Configuration.GetSection("InfraGrpc:Pipelines").Get<PipelineEngineOptions>() ?? new PipelineEngineOptions());
        builder.Services.AddSingleton(builder.Configuration.GetSection("InfraGrpc:Simulated").Get<SimulatedProvisionerOptions>() ?? new SimulatedProvisionerOptions());
        builder.Services.AddSingleton<SimulatedProvisioner>();
        var routes = builder.Configuration.GetSection("InfraGrpc:Exec:Routes").Get<List<ExecRoute>>() ?? [];
        builder.Services.AddSingleton<IProvisionerSelector>(sp => new ProvisionerSelector(sp.GetRequiredService<SimulatedProvisioner>(), routes));
        builder.Services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<PipelinePersister>>();
            var watchdog = sp.GetRequiredService<StoreWatchdog>();
            return new PipelinePersister(sp.GetRequiredService<IPipelineStore>(), e =>
            {
                if (!watchdog.Report(e))
                {
                    Log.PersistFailed(logger, e);
                }
            });
        });
        builder.Services.AddSingleton<PipelineExecutor>();
        builder.Services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<PipelineEngine>>();
            var watchdog = sp.GetRequiredService<StoreWatchdog>();
            return ActivatorUtilities.CreateInstance<PipelineEngine>(sp, (Action<Exception>)(e =>
            {
                if (!watchdog.Report(e))
                {
                    Log.PipelineCrashed(logger, e);
                }
            }));
        });
        builder.Services.AddSingleton<IPipelineLauncher>(sp => sp.GetRequiredService<PipelineEngine>());
        builder.Services.AddSingleton<PipelineQueries>();
        builder.Services.AddSingleton<PipelineEngineHost>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PipelineEngineHost>());
    }

    /// <summary>gRPC with the error interceptor, reflection and health.</summary>
    public static void AddInfraGrpcApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ErrorMappingInterceptor>();
            grpc.Interceptors.Add<Access.AccessInterceptor>();
            grpc.MaxReceiveMessageSize = KestrelSetup.MaxGrpcMessageBytes;
            grpc.EnableDetailedErrors = builder.Environment.IsDevelopment();
        });
        // Our binder, so that a request that cannot be decoded is INVALID_ARGUMENT and not UNKNOWN.
        builder.Services.RemoveAll(typeof(IServiceMethodProvider<>));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(Grpc.Internal.DecodeGuardServiceMethodProvider<>)));
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton<Webhooks.WebhookHandler>();
        builder.Services.AddGrpcHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [TelemetrySetup.ReadyTag])
            .AddCheck<PipelineEngineHost>("recovery", tags: [TelemetrySetup.ReadyTag]);
    }

    public static void MapInfraGrpcApi(this WebApplication app)
    {
        // Every response (gRPC, gRPC-Web, HTTP) names the server's version.
        app.Use((context, next) =>
        {
            context.Response.Headers[Contracts.ProductVersion.Header] = Contracts.ProductVersion.Current;
            return next(context);
        });
        // gRPC-Web (for browsers) on every listener: over HTTP/1.1 on the HTTP port, or on the one TLS port.
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.MapGrpcService<InfraChartGrpcService>();
        app.MapGrpcService<InfraProjectGrpcService>();
        app.MapGrpcService<PipelineGrpcService>();
        app.MapGrpcService<AccessGrpcService>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        Webhooks.WebhookHandler.Map(app);
        app.MapInfraGrpcTelemetry();
        ConsoleAssets.Map(app);
    }
}
