namespace InfraGrpc.Cli;

/// <summary>The exit codes of DESIGN §8.</summary>
internal static class ExitCodes
{
    /// <summary>The command (and the pipeline it followed) succeeded.</summary>
    public const int Success = 0;

    /// <summary>The pipeline failed, or the server could not do the work (unreachable, internal error).</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or bad input: a parse error, an invalid request, something not found or not implemented.</summary>
    public const int BadInput = 2;

    /// <summary>Following was interrupted (Ctrl-C); the pipeline goes on unless --cancel-on-interrupt.</summary>
    public const int Interrupted = 130;
}
