namespace InfraGrpc.Domain.Errors;

/// <summary>The store refused a write because its disk is (nearly) full (maps to RESOURCE_EXHAUSTED); nothing was written, and writes resume once space is freed.</summary>
public sealed class StorageFullException : DomainException
{
    public StorageFullException(string directory, long availableBytes, long reserveBytes)
        : base($"the data directory's file system has {availableBytes / (1024 * 1024)} MiB free, less than the {reserveBytes / (1024 * 1024)} MiB the store keeps in reserve; nothing was written. Free space (or lower InfraGrpc:Storage:MinFreeBytes) and retry")
    {
        Metadata = new Dictionary<string, string>
        {
            ["directory"] = directory,
            ["available_bytes"] = availableBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["reserve_bytes"] = reserveBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public override string Reason => "STORAGE_FULL";
}
