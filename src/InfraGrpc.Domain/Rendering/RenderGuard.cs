using System.Diagnostics;
using InfraGrpc.Domain.Charts;

namespace InfraGrpc.Domain.Rendering;

/// <summary>
/// Enforces the render limits from inside Handlebars: partial depth (so a partial that includes itself
/// forever cannot overflow the stack), output size and the deadline. Rendering is synchronous, so the
/// guard of the render in progress lives in a thread-static slot that partials, helpers, lists and the
/// output writer consult.
/// </summary>
internal sealed class RenderGuard : IDisposable
{
    [ThreadStatic]
    private static RenderGuard? _current;

    private readonly ChartLimits _limits;
    private readonly long _deadline;
    private readonly RenderGuard? _previous;
    private int _partialDepth;
    private long _written;
    private int _ticks;

    private RenderGuard(ChartLimits limits)
    {
        _limits = limits;
        _deadline = Stopwatch.GetTimestamp() + (long)(limits.RenderTimeout.TotalSeconds * Stopwatch.Frequency);
        _previous = _current;
    }

    public static RenderGuard Begin(ChartLimits limits)
    {
        var guard = new RenderGuard(limits);
        _current = guard;
        return guard;
    }

    /// <summary>Called on every list access and helper call; checks the clock every 1024 calls.</summary>
    public static void Tick()
    {
        var guard = _current;
        if (guard is not null && (++guard._ticks & 1023) == 0)
        {
            guard.CheckDeadline();
        }
    }

    public static void EnterPartial(string name)
    {
        var guard = _current;
        if (guard is null)
        {
            return;
        }

        if (++guard._partialDepth > guard._limits.MaxPartialDepth)
        {
            throw new RenderLimitException($"partials nest deeper than {guard._limits.MaxPartialDepth} levels (at partial '{name}'); is a partial including itself?");
        }

        guard.CheckDeadline();
    }

    public static void ExitPartial()
    {
        if (_current is { } guard)
        {
            guard._partialDepth--;
        }
    }

    public static void Written(int count)
    {
        var guard = _current;
        if (guard is null)
        {
            return;
        }

        guard._written += count;
        if (guard._written > guard._limits.MaxRenderedBytes)
        {
            throw new RenderLimitException($"the rendered output exceeds {guard._limits.MaxRenderedBytes} bytes");
        }

        Tick();
    }

    /// <summary>
    /// Called by a helper before it builds a string of <paramref name="length"/> characters: a helper's
    /// result can never be larger than the whole output may be, so it is refused before it is built.
    /// </summary>
    public static void Reserve(long length)
    {
        var guard = _current;
        if (guard is not null && length > guard._limits.MaxRenderedBytes)
        {
            throw new RenderLimitException($"a helper would build {length} characters, more than the rendered output may hold ({guard._limits.MaxRenderedBytes})");
        }

        Tick();
    }

    public void Dispose() => _current = _previous;

    private void CheckDeadline()
    {
        if (Stopwatch.GetTimestamp() > _deadline)
        {
            throw new RenderLimitException($"rendering took longer than {_limits.RenderTimeout.TotalSeconds:0.###} s");
        }
    }
}
