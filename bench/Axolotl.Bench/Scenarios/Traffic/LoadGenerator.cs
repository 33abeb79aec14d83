using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Axolotl.Bench.Scenarios.Probes;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>
/// One request: when it started (Stopwatch), how long it took, when its connect call was made and when
/// the connection was seen established (realtime µs), who answered, or why it failed.
/// </summary>
internal readonly record struct LoadSample(long Start, double Milliseconds, long StartedMicros, long ConnectedMicros, string? Pod, string? Error);

/// <summary>
/// Closed-loop HTTP/1.1 clients, each sending one request per new TCP connection (`Connection: close`,
/// like a curl loop), so every request is a new connection for the proxy to route: the hardest case
/// for a proxy, and the one readiness changes act on. A request counts as failed unless the whole
/// response arrives with status 200 and names the pod (`Hello from POD`) within the timeout. Bounded
/// by time and by a request cap.
/// </summary>
internal static class LoadGenerator
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n");
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private const string Marker = "Hello from ";

    /// <param name="newSocket">Where sockets come from (e.g. a pod's network namespace); a plain one of the bench's own by default.</param>
    public static async Task<IReadOnlyList<LoadSample>> RunAsync(int clients, Func<long, IPEndPoint> target, TimeSpan duration, int maxRequests, CancellationToken ct,
        Func<Task<Socket>>? newSocket = null)
    {
        var samples = new ConcurrentQueue<LoadSample>();
        var issued = 0L;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                var n = Interlocked.Increment(ref issued);
                if (n > maxRequests)
                {
                    return;
                }
                samples.Enqueue(await OneAsync(target(n), buffer, ct, newSocket));
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        return [.. samples];
    }

    /// <summary>One request on a new connection (<paramref name="buffer"/> holds the response; one per client).</summary>
    public static async Task<LoadSample> OneAsync(IPEndPoint endpoint, byte[] buffer, CancellationToken ct, Func<Task<Socket>>? newSocket = null)
    {
        using var socket = newSocket is null ? new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true } : await newSocket();
        var start = Stopwatch.GetTimestamp();
        long connected = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        var started = Stamps.UnixMicrosNow();
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token);
            connected = Stamps.UnixMicrosNow();
            await socket.SendAsync(Request, SocketFlags.None, timeout.Token);
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    return Failed(start, started, connected, "response too long");
                }
                var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    break;
                }
                length += read;
            }
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (!text.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal))
            {
                return Failed(start, started, connected, length == 0 ? "closed without a response" : "status " + text.Split('\r')[0]);
            }
            var at = text.IndexOf(Marker, StringComparison.Ordinal);
            if (at < 0)
            {
                return Failed(start, started, connected, "incomplete response");
            }
            var end = text.IndexOf('\n', at);
            var pod = end < 0 ? null : text[(at + Marker.Length)..end].Trim();
            return pod is null ? Failed(start, started, connected, "incomplete response") : new LoadSample(start, Elapsed(start), started, connected, pod, null);
        }
        catch (SocketException e)
        {
            return Failed(start, started, connected, e.SocketErrorCode.ToString());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(start, started, connected, "timed out");
        }
    }

    private static LoadSample Failed(long start, long started, long connected, string error) => new(start, Elapsed(start), started, connected, null, error);

    private static double Elapsed(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}
