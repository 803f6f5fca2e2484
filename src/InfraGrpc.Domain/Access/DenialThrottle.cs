using System.Collections.Concurrent;

namespace InfraGrpc.Domain.Access;

/// <summary>
/// Bounds how many denials one caller (identity and client host) can write to the audit trail, so a flood
/// of refused calls cannot fill the disk. Each caller may record <c>perWindow</c> denials per
/// <see cref="Window"/>. The first denial over the budget is recorded as a notice that the caller's further
/// denials are being left out; the rest are counted, and the caller's next recorded denial first reports how
/// many were left out. At most <see cref="MaxCallers"/> callers are tracked; beyond that the oldest windows go.
/// </summary>
public sealed class DenialThrottle(TimeProvider clock, int perWindow = DenialThrottle.DefaultPerWindow)
{
    public const int DefaultPerWindow = 60;
    public const int MaxCallers = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public int PerWindow { get; } = perWindow > 0 ? perWindow : throw new ArgumentOutOfRangeException(nameof(perWindow), perWindow, "must be positive");

    private readonly ConcurrentDictionary<string, Bucket> _callers = new(StringComparer.Ordinal);

    /// <summary>How many callers are tracked now (at most <see cref="MaxCallers"/>).</summary>
    public int TrackedCallers => _callers.Count;

    /// <summary>What to record for one denial.</summary>
    /// <param name="Record">Record the denial itself.</param>
    /// <param name="Suppressed">Before it, record that this many of the caller's denials were left out.</param>
    /// <param name="Overflowing">Record that the caller's further denials in this window are left out (the denial itself is not).</param>
    public readonly record struct Decision(bool Record, int Suppressed, bool Overflowing);

    public Decision Admit(string actor, string clientAddress)
    {
        var now = clock.GetUtcNow();
        var key = actor + "\n" + Host(clientAddress);
        if (_callers.Count >= MaxCallers && !_callers.ContainsKey(key))
        {
            Sweep(now);
        }

        var bucket = _callers.GetOrAdd(key, _ => new Bucket(now));
        lock (bucket)
        {
            if (now - bucket.Start >= Window)
            {
                bucket.Start = now;
                bucket.Recorded = 0;
            }

            if (bucket.Recorded >= PerWindow)
            {
                bucket.Suppressed++;
                var first = !bucket.Overflowing;
                bucket.Overflowing = true;
                return new Decision(false, 0, first);
            }

            bucket.Recorded++;
            var suppressed = bucket.Suppressed;
            bucket.Suppressed = 0;
            bucket.Overflowing = false;
            return new Decision(true, suppressed, false);
        }
    }

    // "ipv4:127.0.0.1:5555" and "ipv6:[::1]:5555" → the host: a caller does not get a new budget per port.
    private static string Host(string peer)
    {
        var colon = peer.LastIndexOf(':');
        return colon > peer.IndexOf(':', StringComparison.Ordinal) ? peer[..colon] : peer;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, bucket) in _callers)
        {
            if (now - bucket.Start >= Window && bucket.Suppressed == 0)
            {
                _callers.TryRemove(key, out _);
            }
        }

        // Still full (a flood from many hosts inside one window): forget the oldest half.
        if (_callers.Count >= MaxCallers)
        {
            foreach (var (key, _) in _callers.OrderBy(c => c.Value.Start).Take(_callers.Count / 2).ToList())
            {
                _callers.TryRemove(key, out _);
            }
        }
    }

    private sealed class Bucket(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; set; } = start;

        public int Recorded { get; set; }

        public int Suppressed { get; set; }

        public bool Overflowing { get; set; }
    }
}
