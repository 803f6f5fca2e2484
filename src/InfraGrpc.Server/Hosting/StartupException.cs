namespace InfraGrpc.Server.Hosting;

/// <summary>The server cannot start for a reason the operator must fix (bad setting, data directory in use).</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
