using Grpc.Core;
using InfraGrpc.Server.Hosting;
using InfraGrpc.Storage.LiteDb;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>A store that fails fatally is never served as INTERNAL forever: UNAVAILABLE, NOT_SERVING, and the server stops for its supervisor.</summary>
[Trait("store", "litedb")] // what only the embedded file has: its directory lock, its free-space reserve, its engine failures
public sealed class StoreFailureTests
{
    [Fact]
    public async Task AnyRpc_AfterTheEngineFailedFatally_IsUnavailableAndTheServerStops()
    {
        var host = await ServerHost.StartAsync();
        try
        {
            await AssertStopsOnFatalFailureAsync(host);
        }
        finally
        {
            await host.DisposeAsync();
            Directory.Delete(host.DataDirectory, recursive: true);
        }
    }

    [Fact]
    public void IsFatal_OrdinaryErrorsAreNot_AnEngineFailureIs()
    {
        Assert.False(LiteDbStore.IsFatal(new LiteDB.LiteException(0, "Cannot insert duplicate key")));
        Assert.True(LiteDbStore.IsFatal(new LiteDB.LiteException(0, "LiteDB ENSURE: page type must be collection page")));
        Assert.True(LiteDbStore.IsFatal(new InvalidOperationException("wrapped", new ObjectDisposedException("ReaderWriterLockSlim"))));
    }

    private static async Task AssertStopsOnFatalFailureAsync(ServerHost host)
    {
        var api = new Clients(host.Channel);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStopping.Register(stopping.SetResult);

        // What LiteDB does after an internal ENSURE fails: the engine disposes itself.
        host.Services.GetRequiredService<LiteDbStore>().Dispose();

        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => api.Projects.ListProjectsAsync(new Proto.ListProjectsRequest()).ResponseAsync);
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(host.Services.GetRequiredService<StoreWatchdog>().Failed);
        var health = await ActivatorUtilities.CreateInstance<StoreHealthCheck>(host.Services).CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, health.Status);
    }
}
