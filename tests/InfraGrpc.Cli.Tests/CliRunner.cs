using System.Diagnostics;
using InfraGrpc.Cli;
using InfraGrpc.Server.Tests;

namespace InfraGrpc.Cli.Tests;

/// <summary>The result of one infractl run.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs infractl against a server: in-process (fast, same code path as the binary) or as a real child process.</summary>
internal static class CliRunner
{
    public static Task<CliResult> RunAsync(ServerHost server, params string[] args) => RunAsync(server, redirected: true, args);

    public static Task<CliResult> RunAsync(ServerHost server, bool redirected, params string[] args) => RunWithAsync(server, new Dictionary<string, string>(), redirected, args);

    /// <summary>Runs with extra environment variables (INFRAGRPC_TOKEN).</summary>
    public static async Task<CliResult> RunWithAsync(ServerHost server, IReadOnlyDictionary<string, string> variables, bool redirected, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error, name => variables.TryGetValue(name, out var value) ? value : name == CliApp.ServerVariable ? server.GrpcAddress.ToString() : null, OutputRedirected: redirected);

        var exitCode = await CliApp.RunAsync(args, environment);

        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs piped, and interrupts (as Ctrl-C does: the invocation's token is cancelled) as soon as a line
    /// containing <paramref name="marker"/> is written to standard output.
    /// </summary>
    public static async Task<CliResult> RunUntilOutputThenInterruptAsync(ServerHost server, string marker, string[] args)
    {
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var output = new SignallingWriter(marker, interrupt.Cancel);
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error, name => name == CliApp.ServerVariable ? server.GrpcAddress.ToString() : null, OutputRedirected: true);
        var exitCode = await CliApp.RunAsync(args, environment, interrupt.Token);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    private sealed class SignallingWriter(string marker, Action onMarker) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(marker, StringComparison.Ordinal) == true)
            {
                onMarker();
            }
        }
    }

    /// <summary>The infractl built by this build (same configuration as the tests), run from its own folder with its own dependencies.</summary>
    private static string BinaryPath
    {
        get
        {
            var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
            var path = Path.Combine(ServerHost.RepositoryRoot, "src", "InfraGrpc.Cli", "bin", configuration, "net10.0", "infractl.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build the CLI first", path);
        }
    }

    public static async Task<CliResult> RunProcessAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BinaryPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await output, await error);
    }
}
