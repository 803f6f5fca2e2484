using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace InfraGrpc.Domain.Provisioners;

/// <summary>
/// Finds and kills every process an exec operation started, however it detached. Each operation runs in a
/// session and process group of its own (through <c>setsid</c>), and carries a marker in its environment
/// that its descendants inherit; a descendant that left the group with <c>setsid</c> still carries it
/// (Jenkins' ProcessTreeKiller finds build processes the same way). On Linux, /proc lists both.
/// </summary>
internal static class OperationProcesses
{
    public const string MarkerVariable = "INFRAGRPC_OPERATION_ID";

    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Whether operations get a process group of their own (setsid is installed).</summary>
    public static bool OwnGroup => Setsid is not null && Directory.Exists("/proc");

    /// <summary>Points the start info at setsid, which puts the command in a new session, then execs it in place.</summary>
    public static void Isolate(ProcessStartInfo start, string marker)
    {
        start.Environment[MarkerVariable] = marker;
        if (!OwnGroup)
        {
            return;
        }

        var command = start.FileName;
        var arguments = start.ArgumentList.ToList();
        start.FileName = Setsid!;
        start.ArgumentList.Clear();
        start.ArgumentList.Add(command);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
    }

    /// <summary>The executable a command names (a path, or a name looked up on PATH), or null when there is none.</summary>
    public static string? Resolve(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(command) ? command : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, command))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>
    /// Kills the processes of group <paramref name="groupId"/> and every process carrying <paramref name="marker"/>,
    /// and returns once they are gone (dead or waiting to be reaped), or after five seconds; returns how many.
    /// </summary>
    public static async Task<int> KillAllAsync(int groupId, string marker)
    {
        if (!Directory.Exists("/proc"))
        {
            return 0;
        }

        var needle = Encoding.ASCII.GetBytes($"{MarkerVariable}={marker}\0");
        var killed = 0;
        var signalled = new HashSet<int>();

        // A process can fork while the scan runs; scanning until a pass finds nothing catches its children.
        for (var pass = 0; pass < 5; pass++)
        {
            var found = 0;
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
                {
                    continue;
                }

                if ((GroupOf(directory) == groupId || Carries(directory, needle)) && Kill(pid))
                {
                    found++;
                    signalled.Add(pid);
                }
            }

            killed += found;
            if (found == 0)
            {
                break;
            }
        }

        // SIGKILL is delivered asynchronously: the operation reports its processes killed only once they are.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (signalled.Any(Running) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }

        return killed;
    }

    private static bool Running(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int? GroupOf(string directory)
    {
        try
        {
            // /proc/pid/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
            var stat = File.ReadAllText(Path.Combine(directory, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 2 && fields[0] != "Z" && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group) ? group : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool Carries(string directory, byte[] needle)
    {
        try
        {
            var environment = File.ReadAllBytes(Path.Combine(directory, "environ"));
            return environment.AsSpan().IndexOf(needle) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }
}
