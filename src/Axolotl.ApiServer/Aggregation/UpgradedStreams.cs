namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// Both directions of an upgraded connection (the client's and the aggregated API server's), relayed as bytes: each
/// read is written and flushed at once (an exec's keystrokes, a WebSocket's frames), and when either side closes or
/// fails, both are done, as upstream's proxy closes the pair.
/// </summary>
public static class UpgradedStreams
{
    private const int BufferSize = 32 * 1024;

    /// <summary>Relays until one side ends; null when it ended cleanly, else why it broke (for the log).</summary>
    public static async Task<string?> RelayAsync(Stream client, Stream backend, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(backend);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var up = CopyAsync(client, backend, done.Token);
        var down = CopyAsync(backend, client, done.Token);
        var first = await Task.WhenAny(up, down);
        await done.CancelAsync();
        var other = first == up ? down : up;
        var reason = await first;
        await other;
        return reason;
    }

    private static async Task<string?> CopyAsync(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = new byte[BufferSize];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), ct);
                await to.FlushAsync(ct);
            }
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or HttpRequestException)
        {
            return e.Message;
        }
    }
}
