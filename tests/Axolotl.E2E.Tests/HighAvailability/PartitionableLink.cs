using System.Net;
using System.Net.Sockets;

namespace Axolotl.E2E.Tests.HighAvailability;

/// <summary>
/// A TCP link on loopback from one API server to one etcd member that a test can cut and restore, as a
/// network partition would: while cut nothing passes either way and nothing is reset (bytes wait, new
/// connections are accepted and left waiting), so the server meets silence and timeouts, not errors.
/// Restored, what waited flows on, as it does when a partition heals within TCP's retransmission time.
/// </summary>
internal sealed class PartitionableLink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PartitionableLink(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _open.SetResult();
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    /// <summary>Where the server is told the etcd member is.</summary>
    public string Url { get; }

    public void Cut()
    {
        lock (_sockets)
        {
            if (_open.Task.IsCompleted)
            {
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Restore()
    {
        lock (_sockets)
        {
            _open.TrySetResult();
        }
    }

    private Task PassableAsync()
    {
        lock (_sockets)
        {
            return _open.Task.WaitAsync(_stop.Token);
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                Track(client);
                _ = CarryAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    private async Task CarryAsync(Socket client)
    {
        var backend = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Track(backend);
        try
        {
            await PassableAsync();
            await backend.ConnectAsync(_target, _stop.Token);
            await Task.WhenAll(PumpAsync(client, backend), PumpAsync(backend, client));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            client.Dispose();
            backend.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                await PassableAsync();
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                for (var sent = 0; sent < read;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            from.Dispose();
            to.Dispose();
        }
    }

    private void Track(Socket socket)
    {
        lock (_sockets)
        {
            _sockets.Add(socket);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }
        _stop.Dispose();
    }
}
