using Grpc.Net.Client;
using InfraGrpc.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// A real InfraGrpc server in this process: Kestrel on 127.0.0.1 with ports chosen by the OS, and a
/// LiteDB file in its own data directory. Disposing stops it gracefully and releases the directory.
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServerHost(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        var addresses = app.Services.GetRequiredService<ListenerAddresses>();
        GrpcAddress = addresses.GrpcUri;
        HttpAddress = addresses.HttpUri;
        Channel = GrpcChannel.ForAddress(GrpcAddress);
    }

    public string DataDirectory { get; }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => _app.Services;

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Starts a server on <paramref name="dataDirectory"/> (a new temporary one when null).</summary>
    public static async Task<ServerHost> StartAsync(string? dataDirectory = null, params string[] extraArgs)
    {
        dataDirectory ??= Directory.CreateTempSubdirectory("infragrpc-test-").FullName;
        string[] args =
        [
            "--InfraGrpc:GrpcUrl=http://127.0.0.1:0",
            "--InfraGrpc:HttpUrl=http://127.0.0.1:0",
            $"--InfraGrpc:DataDirectory={dataDirectory}",
            $"--InfraGrpc:ChartsDirectory={Path.Combine(RepositoryRoot, "charts")}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
            .. extraArgs,
        ];
        args = [.. args, .. await StoreArgumentsAsync(dataDirectory, extraArgs)];
        var app = InfraGrpcServer.Build(args);
        await app.StartAsync();
        return new ServerHost(app, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> Databases = new(StringComparer.Ordinal);

    /// <summary>
    /// With INFRAGRPC_TEST_STORE=postgres (and INFRAGRPC_TEST_POSTGRES naming the cluster), a database of its own for each data
    /// directory, the same one again when a test restarts a server on that directory.
    /// </summary>
    internal static async Task<string[]> StoreArgumentsAsync(string dataDirectory, string[] extraArgs)
    {
        if (Environment.GetEnvironmentVariable("INFRAGRPC_TEST_STORE") != "postgres" || extraArgs.Any(a => a.StartsWith("--InfraGrpc:Storage:Provider=", StringComparison.Ordinal)))
        {
            return [];
        }

        var cluster = Environment.GetEnvironmentVariable("INFRAGRPC_TEST_POSTGRES") is { Length: > 0 } given
            ? given
            : throw new InvalidOperationException("INFRAGRPC_TEST_STORE=postgres needs INFRAGRPC_TEST_POSTGRES, the cluster's connection string");
        var database = await Databases.GetOrAdd(dataDirectory, _ => new Lazy<Task<string>>(() => Storage.Contract.Tests.PostgresCluster.CreateDatabaseAsync(cluster))).Value;
        return ["--InfraGrpc:Storage:Provider=postgres", $"--InfraGrpc:Storage:ConnectionString={database}"];
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "InfraGrpc.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("InfraGrpc.sln not found above " + AppContext.BaseDirectory);
    }
}
