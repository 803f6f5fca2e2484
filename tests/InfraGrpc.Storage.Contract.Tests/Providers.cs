using InfraGrpc.Domain.Access;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Storage.LiteDb;
using InfraGrpc.Storage.Postgres;

namespace InfraGrpc.Storage.Contract.Tests;

/// <summary>The ports of one freshly opened, empty store.</summary>
public sealed record Stores(
    IChartStore Charts, IAccessStore Access, IAuditStore Audit, IWebhookDeliveries Webhooks, IProjectStore Projects, IPipelineStore Pipelines, ISimulatedInventory Inventory, Func<ValueTask> Close)
    : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Close();
}

/// <summary>The store contract on the embedded LiteDB store, a file in a temporary directory.</summary>
public sealed class LiteDbStoreContract : StoreContract
{
    protected override Task<Stores> OpenAsync()
    {
        var directory = Directory.CreateTempSubdirectory("infragrpc-contract-").FullName;
        var store = LiteDbStore.Open(directory);
        return Task.FromResult(new Stores(
            new LiteDbChartStore(store),
            new LiteDbAccessStore(store),
            new LiteDbAuditStore(store),
            new LiteDbWebhookDeliveries(store, TimeProvider.System),
            new LiteDbProjectStore(store),
            new LiteDbPipelineStore(store),
            new LiteDbSimulatedInventory(store),
            () =>
            {
                store.Dispose();
                Directory.Delete(directory, recursive: true);
                return ValueTask.CompletedTask;
            }));
    }
}

/// <summary>The store contract on PostgreSQL, a database of its own on the suite's cluster.</summary>
[Collection(OnPostgres.Name)]
public sealed class PostgresStoreContract(PostgresCluster cluster) : StoreContract
{
    protected override async Task<Stores> OpenAsync()
    {
        var store = await PostgresStore.OpenAsync(await cluster.NewDatabaseAsync());
        return new Stores(
            new PostgresChartStore(store),
            new PostgresAccessStore(store),
            new PostgresAuditStore(store),
            new PostgresWebhookDeliveries(store, TimeProvider.System),
            new PostgresProjectStore(store),
            new PostgresPipelineStore(store),
            new PostgresSimulatedInventory(store),
            store.DisposeAsync);
    }
}
