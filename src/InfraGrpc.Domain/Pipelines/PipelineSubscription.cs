using System.Threading.Channels;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>
/// One watcher's bounded buffer. The publisher only ever calls <see cref="Offer"/> (TryWrite) and never
/// waits; a watcher that falls behind is marked overflowed and resynchronised with a snapshot.
/// </summary>
internal sealed class PipelineSubscription<T>(int capacity)
{
    private readonly Channel<T> _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private volatile bool _overflowed;

    /// <summary>Set when an item could not be buffered; cleared (under the run's lock) by the resync, whose snapshot covers whatever was dropped.</summary>
    public bool Overflowed
    {
        get => _overflowed;
        set => _overflowed = value;
    }

    public ChannelReader<T> Reader => _channel.Reader;

    /// <summary>Never waits: buffers the item, or marks the watcher overflowed.</summary>
    public void Offer(T item)
    {
        if (!Overflowed && !_channel.Writer.TryWrite(item))
        {
            Overflowed = true;
        }
    }

    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Drops everything buffered (before a resync snapshot).</summary>
    public void Drain()
    {
        while (_channel.Reader.TryRead(out _))
        {
        }
    }
}
