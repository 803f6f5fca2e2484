namespace InfraGrpc.Storage.LiteDb;

/// <summary>
/// An exclusive lock on the data directory, held for the life of the process. LiteDB's default mode
/// corrupts a file that two processes write, so a second server on the same directory must not start.
/// On Linux and macOS .NET backs <see cref="FileShare.None"/> with an advisory <c>flock</c>, which the
/// kernel releases when the process dies, even by <c>kill -9</c>; no stale lock survives a crash.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "infragrpc.lock";

    private readonly FileStream _stream;

    private DataDirectoryLock(FileStream stream, string directory)
    {
        _stream = stream;
        Directory = directory;
    }

    public string Directory { get; }

    /// <exception cref="DataDirectoryInUseException">Another process holds the directory.</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        var full = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(full);
        var path = Path.Combine(full, FileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            stream.Write(pid);
            stream.Flush(flushToDisk: true);
            return new DataDirectoryLock(stream, full);
        }
        catch (IOException e)
        {
            throw new DataDirectoryInUseException(full, e);
        }
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>The data directory is locked by another InfraGrpc server.</summary>
public sealed class DataDirectoryInUseException(string directory, Exception inner)
    : Exception($"the data directory {directory} is in use by another InfraGrpc server (lock file {DataDirectoryLock.FileName}); two servers must never share one LiteDB file. Stop the other server or choose another directory with --InfraGrpc:DataDirectory=PATH.", inner)
{
    public string Directory { get; } = directory;
}
