using InfraGrpc.Server.Logging;
using InfraGrpc.Storage.LiteDb;

namespace InfraGrpc.Server.Hosting;

/// <summary>
/// Stops the server when the store fails fatally, instead of answering INTERNAL forever: it logs the
/// cause once, makes health NOT_SERVING, and stops the host with exit code 70 so that a supervisor
/// (systemd, Kubernetes) restarts it on a freshly opened store.
/// </summary>
internal sealed class StoreWatchdog(IHostApplicationLifetime lifetime, ILogger<StoreWatchdog> logger)
{
    /// <summary>The exit code after a fatal store failure (EX_SOFTWARE).</summary>
    public const int ExitCode = 70;

    private int _failed;

    public bool Failed => Volatile.Read(ref _failed) != 0;

    /// <summary>Looks at an exception from any caller of the store; true when it is fatal (the first one stops the server).</summary>
    public bool Report(Exception exception)
    {
        if (!LiteDbStore.IsFatal(exception))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _failed, 1) == 0)
        {
            Log.StoreFailed(logger, exception);
            lifetime.StopApplication();
        }

        return true;
    }
}
