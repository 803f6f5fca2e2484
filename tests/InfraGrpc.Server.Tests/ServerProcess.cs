using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Net.Client;

namespace InfraGrpc.Server.Tests;

/// <summary>The server as a real child process (the built InfraGrpc.Server.dll), so a test can kill it with SIGKILL.</summary>
public sealed partial class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log;

    private ServerProcess(Process process, Uri address, System.Collections.Concurrent.ConcurrentQueue<string> log)
    {
        _process = process;
        _log = log;
        Channel = GrpcChannel.ForAddress(address);
    }

    public GrpcChannel Channel { get; }

    /// <summary>The server's process id (for /proc readings such as its resident memory).</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The HTTP/1.1 listener (webhooks, gRPC-Web, the console, metrics and probes).</summary>
    public Uri HttpAddress { get; private init; } = null!;

    /// <summary>The last lines the server wrote (standard output and error), for failure messages.</summary>
    public string RecentLog => string.Join('\n', _log);

    /// <summary>Starts the server and waits for the line that names the bound gRPC address.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, params string[] extraArgs)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(ServerHost.RepositoryRoot, "src", "InfraGrpc.Server", "bin", configuration, "net10.0", "InfraGrpc.Server.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var store = await ServerHost.StoreArgumentsAsync(dataDirectory, extraArgs);
        foreach (var arg in (string[])[dll, "--InfraGrpc:GrpcUrl=http://127.0.0.1:0", "--InfraGrpc:HttpUrl=http://127.0.0.1:0", $"--InfraGrpc:DataDirectory={dataDirectory}", .. extraArgs, .. store])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var bound = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        Uri? http = null;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(string? text)
        {
            if (text is not null)
            {
                log.Enqueue(text);
                while (log.Count > 200 && log.TryDequeue(out _))
                {
                }
            }
        }

        process.OutputDataReceived += (_, line) =>
        {
            Keep(line.Data);
            if (line.Data is { } text && ListeningPattern().Match(text) is { Success: true } match)
            {
                http = new Uri(match.Groups[2].Value);
                bound.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(bound.Task, exited).WaitAsync(TimeSpan.FromSeconds(60));
        if (first == exited)
        {
            throw new InvalidOperationException($"the server exited with {process.ExitCode} before it listened");
        }

        return new ServerProcess(process, await bound.Task, log) { HttpAddress = http! };
    }

    /// <summary>Runs the server until it exits on its own (a start-up that must fail), as another user when <paramref name="runAs"/> is given.</summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunToExitAsync(string dataDirectory, string? runAs = null, params string[] extraArgs)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(ServerHost.RepositoryRoot, "src", "InfraGrpc.Server", "bin", configuration, "net10.0", "InfraGrpc.Server.dll");
        var start = new ProcessStartInfo(runAs is null ? "dotnet" : "setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] prefix = runAs is null ? [] : ["--reuid=" + runAs, "--regid=" + runAs, "--clear-groups", "dotnet"];
        foreach (var arg in (string[])[.. prefix, dll, "--InfraGrpc:GrpcUrl=http://127.0.0.1:0", "--InfraGrpc:HttpUrl=http://127.0.0.1:0", $"--InfraGrpc:DataDirectory={dataDirectory}", .. extraArgs])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the server started instead of refusing to");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>SIGTERM, as an orchestrator stops a replica: the server shuts down gracefully; waits for it to exit.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: no shutdown path runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"gRPC on (http://[^\s,]+?)/?, HTTP/1\.1 on (http://[^\s,]+?)/?,")]
    private static partial Regex ListeningPattern();
}
