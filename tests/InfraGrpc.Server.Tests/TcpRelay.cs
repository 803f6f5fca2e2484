using System.Net;
using System.Net.Sockets;

namespace InfraGrpc.Server.Tests;

/// <summary>
/// A TCP relay on a loopback port in front of a real service, which a test can cut (every connection closed,
/// new ones refused) and restore on the same port: a network partition between the server and its database.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private readonly Lock _sync = new();
    private TcpListener? _listener;
    private CancellationTokenSource _cut = new();

    private TcpRelay(IPEndPoint target, int port)
    {
        (_target, Port) = (target, port);
    }

    public int Port { get; }

    public static TcpRelay Start(string host, int port)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var local = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var relay = new TcpRelay(new IPEndPoint(IPAddress.Parse(host), port), local);
        relay.Restore();
        return relay;
    }

    /// <summary>Closes every relayed connection and stops accepting new ones.</summary>
    public void Cut()
    {
        lock (_sync)
        {
            _cut.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                client.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Accepts connections again, on the same port.</summary>
    public void Restore()
    {
        lock (_sync)
        {
            _cut = new CancellationTokenSource();
            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _ = AcceptAsync(_listener, _cut.Token);
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cut)
    {
        while (!cut.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(cut);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_target, cut);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_sync)
            {
                if (cut.IsCancellationRequested)
                {
                    inbound.Dispose();
                    outbound.Dispose();
                    return;
                }

                _open.Add(inbound);
                _open.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound, cut);
            _ = PumpAsync(outbound, inbound, cut);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken cut)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), cut);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
