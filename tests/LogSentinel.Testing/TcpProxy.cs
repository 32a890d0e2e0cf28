using System.Net;
using System.Net.Sockets;

namespace LogSentinel.Testing;

/// <summary>A TCP forwarder in front of a server whose connections a test can cut (a database or broker outage, mid-batch).</summary>
public sealed class TcpProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _down;

    public TcpProxy(int target)
    {
        _target = target;
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes forwarded toward the server so far.</summary>
    public long BytesUp => Interlocked.Read(ref _bytesUp);

    private long _bytesUp;

    /// <summary>Cuts every connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _down = true;
        lock (_open)
        {
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
        }
    }

    public void Restore() => _down = false;

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            if (_down)
            {
                client.Dispose();
                continue;
            }
            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target);
            }
            catch (SocketException)
            {
                client.Dispose();
                continue;
            }
            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }
            _ = Pump(client.GetStream(), server.GetStream(), up: true, client, server);
            _ = Pump(server.GetStream(), client.GetStream(), up: false, client, server);
        }
    }

    private async Task Pump(NetworkStream from, NetworkStream to, bool up, TcpClient a, TcpClient b)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                if (up)
                    Interlocked.Add(ref _bytesUp, read);
            }
        }
        catch (Exception)
        {
        }
        a.Dispose();
        b.Dispose();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        _stop.Dispose();
    }
}
