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
    /// <exception cref="DataDirectoryUnusableException">The directory cannot be created or written: a file in the way, no permission, a read-only file system.</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        var full = Path.GetFullPath(directory);
        Prepare(full);
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
        catch (UnauthorizedAccessException e)
        {
            throw new DataDirectoryUnusableException(full, $"its lock file {FileName} cannot be opened for writing (permission denied)", e);
        }
        catch (IOException e) when (File.Exists(path) && IsHeldByAnotherProcess(path))
        {
            throw new DataDirectoryInUseException(full, e);
        }
        catch (IOException e)
        {
            throw new DataDirectoryUnusableException(full, $"its lock file {FileName} cannot be opened: {e.Message}", e);
        }
    }

    // Only a lock held by a live process means "in use"; everything else names what is wrong with the path.
    private static void Prepare(string full)
    {
        if (File.Exists(full))
        {
            throw new DataDirectoryUnusableException(full, "is a file, not a directory");
        }

        for (var parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                throw new DataDirectoryUnusableException(full, $"cannot be created: {parent} is a file");
            }
        }

        try
        {
            System.IO.Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataDirectoryUnusableException(full, $"cannot be created ({Reason(e)})", e);
        }

        var probe = Path.Combine(full, $".write-check-{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        try
        {
            using var stream = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            stream.WriteByte(0);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataDirectoryUnusableException(full, $"is not writable ({Reason(e)})", e);
        }
    }

    private static string Reason(Exception e) => e is UnauthorizedAccessException ? "permission denied" : e.Message.TrimEnd('.');

    private static bool IsHeldByAnotherProcess(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>The data directory cannot be used: it cannot be created or written, or a file is in the way.</summary>
public sealed class DataDirectoryUnusableException(string directory, string problem, Exception? inner = null)
    : Exception($"the data directory {directory} {problem}; choose a directory the server can create and write with --InfraGrpc:DataDirectory=PATH (or InfraGrpc__DataDirectory)", inner)
{
    public string Directory { get; } = directory;
}

/// <summary>The data directory is locked by another InfraGrpc server.</summary>
public sealed class DataDirectoryInUseException(string directory, Exception inner)
    : Exception($"the data directory {directory} is in use by another InfraGrpc server (lock file {DataDirectoryLock.FileName}); two servers must never share one LiteDB file. Stop the other server or choose another directory with --InfraGrpc:DataDirectory=PATH.", inner)
{
    public string Directory { get; } = directory;
}
