using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Provisioners;

/// <summary>
/// Runs a configured command per operation (DESIGN §5): the operation in <c>INFRA_OPERATION</c>, the
/// resolved manifest as JSON on stdin, every stdout/stderr line a log line, exit code 0 success, and
/// outputs as a JSON object written to the file named by <c>INFRA_OUTPUTS_FILE</c>. The operation ends
/// when the command exits, at its timeout, or when its pipeline is cancelled; then every process it
/// started is killed, even one that detached (<see cref="OperationProcesses"/>), and output is read no longer.
/// </summary>
public sealed class ExecProvisioner(ExecRoute route) : IProvisioner
{
    public string Name => "exec";

    public async Task<ProvisionerOutcome> RunAsync(ProvisionerRequest request, CancellationToken cancellationToken)
    {
        var outputsFile = Path.Combine(Path.GetTempPath(), $"infragrpc-outputs-{Guid.NewGuid():N}.json");
        var start = new ProcessStartInfo(route.Command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in route.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["INFRA_OPERATION"] = request.Operation.ToString().ToLowerInvariant();
        start.Environment["INFRA_OUTPUTS_FILE"] = outputsFile;
        start.Environment["INFRA_RESOURCE_KIND"] = request.Key.Kind;
        start.Environment["INFRA_RESOURCE_NAME"] = request.Key.Name;
        start.Environment["INFRA_PROJECT"] = request.ProjectName;
        start.Environment["INFRA_ENV"] = request.Env;
        if (request.TraceParent is { } traceParent)
        {
            start.Environment["TRACEPARENT"] = traceParent;
        }

        // Checked here because setsid would start and then fail to run it, looking like the command's own exit 127.
        if (OperationProcesses.Resolve(route.Command) is null)
        {
            return ProvisionerOutcome.Fail($"cannot start {route.Command}: no such executable file");
        }

        var marker = Guid.NewGuid().ToString("N");
        OperationProcesses.Isolate(start, marker);
        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, line) => Log(request, LogSource.Stdout, line.Data);
        process.ErrorDataReceived += (_, line) => Log(request, LogSource.Stderr, line.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return ProvisionerOutcome.Fail($"cannot start {route.Command}: {e.Message}");
        }

        var group = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(route.Timeout);
        try
        {
            await process.StandardInput.WriteAsync(Json.Serialize(request.Manifest));
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command did not read its stdin; that is its choice.
        }

        // Wait for the command itself, not for end-of-file on its output: a background child may hold
        // stdout open long after the command is done.
        var stopped = false;
        try
        {
            await exited.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            stopped = true;
        }

        // The operation is over: nothing it started may outlive it, in its group or detached.
        var leftovers = await OperationProcesses.KillAllAsync(group, marker);
        if (stopped && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await DrainAsync(process);
        if (stopped)
        {
            Delete(outputsFile);
            return ProvisionerOutcome.Fail(cancellationToken.IsCancellationRequested
                ? "cancelled; the operation's processes were killed"
                : $"timed out after {route.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; the operation's processes were killed");
        }

        if (leftovers > 0)
        {
            request.Log(LogSource.System, $"{leftovers} process(es) the command left running were killed when it exited");
        }

        try
        {
            if (process.ExitCode != 0)
            {
                return ProvisionerOutcome.Fail($"{Path.GetFileName(route.Command)} exited with {process.ExitCode}");
            }

            return ReadOutputs(outputsFile, out var outputs, out var problem)
                ? ProvisionerOutcome.Ok("exit 0", outputs)
                : ProvisionerOutcome.Fail(problem!);
        }
        finally
        {
            Delete(outputsFile);
        }
    }

    // Reads what is left of the output for a short while; once every writer is dead that is end-of-file at once.
    private static async Task DrainAsync(Process process)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            // A writer escaped every kill (another user's process); stop reading at the deadline.
        }

        process.CancelOutputRead();
        process.CancelErrorRead();
    }

    private static bool ReadOutputs(string path, out IReadOnlyDictionary<string, object?>? outputs, out string? problem)
    {
        outputs = null;
        problem = null;
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return true;
        }

        try
        {
            outputs = Json.Parse(File.ReadAllText(path)) as IReadOnlyDictionary<string, object?>;
            problem = outputs is null ? "INFRA_OUTPUTS_FILE must hold a JSON object" : null;
        }
        catch (System.Text.Json.JsonException e)
        {
            problem = "INFRA_OUTPUTS_FILE is not valid JSON: " + e.Message;
        }

        return problem is null;
    }

    private static void Log(ProvisionerRequest request, LogSource source, string? line)
    {
        if (line is not null)
        {
            request.Log(source, line);
        }
    }

    private static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}
