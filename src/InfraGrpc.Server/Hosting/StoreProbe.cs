using InfraGrpc.Storage.LiteDb;
using InfraGrpc.Storage.Postgres;

namespace InfraGrpc.Server.Hosting;

/// <summary>What the host asks of whichever store it runs on: where it is, and whether it answers.</summary>
internal interface IStoreProbe
{
    /// <summary>The data directory, or the database's host, port and name (never credentials).</summary>
    string Location { get; }

    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}

internal sealed class LiteDbStoreProbe(LiteDbStore store) : IStoreProbe
{
    public string Location => store.DataDirectory;

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(store.IsReadable());
}

internal sealed class PostgresStoreProbe(PostgresStore store) : IStoreProbe
{
    public string Location => "postgres " + store.Location;

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => store.IsReachableAsync(cancellationToken);
}
