namespace InfraGrpc.Cli;

/// <summary>What the CLI reads from and writes to, so tests can run it in-process with their own writers.</summary>
/// <param name="Out">Standard output: results only, so they can be piped.</param>
/// <param name="Error">Standard error: errors and progress.</param>
/// <param name="GetVariable">Environment variable lookup (INFRAGRPC_SERVER).</param>
/// <param name="OutputRedirected">Whether stdout is not a terminal (plain lines instead of live views).</param>
internal sealed record CliEnvironment(TextWriter Out, TextWriter Error, Func<string, string?> GetVariable, bool OutputRedirected);
