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

        // The data directory holds what each server keeps for itself: the git cache; with the embedded store also the
        // page-token and secret keys, which replicas sharing PostgreSQL share through it instead.
        Directory.CreateDirectory(directory);
        builder.Services.AddSingleton(new GitRepositories(Path.Combine(directory, "git-cache")));
        builder.Services.AddSingleton<StoreWatchdog>();
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("InfraGrpc");
        if (options.Storage.Provider.Equals(StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton(sp => new PageTokens(Convert.FromBase64String(
                sp.GetRequiredService<PostgresStore>().SharedKey("page-tokens", () => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))))));
            builder.Services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>(sp =>
                new Microsoft.Extensions.Options.ConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlRepository = new Secrets.SharedKeyRing(sp.GetRequiredService<PostgresStore>())));
            builder.Services.AddSingleton(sp => new Secrets.SecretBox(sp.GetRequiredService<IDataProtectionProvider>(), create => sp.GetRequiredService<PostgresStore>().SharedKey("sensitive-tags", create)));
        }
        else
        {
            builder.Services.AddSingleton(PageTokens.LoadOrCreate(Path.Combine(directory, "page-tokens.key")));
            var keys = builder.Configuration["InfraGrpc:Secrets:KeysDirectory"] is { Length: > 0 } configured ? configured : Path.Combine(directory, "keys");
            // The key ring is plain XML on disk (no platform key encryptor on Linux), so only the server's user may read it.
            var keyFolder = OperatingSystem.IsWindows() ? Directory.CreateDirectory(keys) : Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            dataProtection.PersistKeysToFileSystem(keyFolder);
            builder.Services.AddSingleton(sp => new Secrets.SecretBox(sp.GetRequiredService<IDataProtectionProvider>(), Secrets.SecretBox.FileStore(Path.Combine(keys, "sensitive-tags.key"))));
        }

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

        builder.Services.AddSingleton(_ => store);
        builder.Services.AddSingleton<IStoreProbe, PostgresStoreProbe>();
        builder.Services.AddSingleton<IWebhookDeliveries, PostgresWebhookDeliveries>();
        builder.Services.AddSingleton<IChartStore, PostgresChartStore>();
        builder.Services.AddSingleton<IProjectStore, PostgresProjectStore>();
        builder.Services.AddSingleton<IPipelineStore, PostgresPipelineStore>();
        builder.Services.AddSingleton<ISimulatedInventory, PostgresSimulatedInventory>();
        builder.Services.AddSingleton<Domain.Access.IAccessStore, PostgresAccessStore>();
        builder.Services.AddSingleton<Domain.Access.IAuditStore, PostgresAuditStore>();

        // Replicas on one database coordinate pipelines through it: leases, fencing tokens, LISTEN/NOTIFY.
        var replica = builder.Configuration["InfraGrpc:Replica:Name"] is { Length: > 0 } name ? name : $"{Environment.MachineName}-{Environment.ProcessId}";
        var lease = TimeSpan.FromSeconds(builder.Configuration.GetValue("InfraGrpc:Replica:LeaseSeconds", 15.0));
        if (lease < TimeSpan.FromSeconds(1))
        {
            throw new StartupException("InfraGrpc:Replica:LeaseSeconds must be at least 1");
        }

        builder.Services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILogger<PostgresPipelineCoordination>>();
            var watchdog = sp.GetRequiredService<StoreWatchdog>();
            var coordination = new PostgresPipelineCoordination(store, replica, lease, e =>
            {
                if (!watchdog.Report(e))
                {
                    Log.PersistFailed(logger, e);
                }
            });
            coordination.Start();
            return coordination;
        });
        builder.Services.AddSingleton<IPipelineCoordination>(sp => sp.GetRequiredService<PostgresPipelineCoordination>());
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
            return new PipelineEngine(
                sp.GetRequiredService<IPipelineStore>(),
                sp.GetRequiredService<IProjectStore>(),
                sp.GetRequiredService<PipelineExecutor>(),
                sp.GetRequiredService<PipelinePersister>(),
                sp.GetRequiredService<PipelineEngineOptions>(),
                sp.GetRequiredService<TimeProvider>(),
                e =>
                {
                    if (!watchdog.Report(e))
                    {
                        Log.PipelineCrashed(logger, e);
                    }
                },
                sp.GetService<IPipelineCoordination>());
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
