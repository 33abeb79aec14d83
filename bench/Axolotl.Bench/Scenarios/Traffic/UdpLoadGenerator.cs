using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Axolotl.Bench.Scenarios.Traffic;

/// <summary>What a UDP load run got: answered round trips (ms), datagrams sent without an answer in time, who answered, how long it ran.</summary>
internal sealed record UdpLoadResult(IReadOnlyList<double> RoundTrips, long Sent, long Lost, IReadOnlyDictionary<string, long> ByPod, TimeSpan Elapsed)
{
    public double AnsweredPerSecond => RoundTrips.Count / Elapsed.TotalSeconds;
}

/// <summary>
/// Closed-loop UDP clients, each one socket (one source port, so one flow for the relay and one conntrack entry for the
/// kernel) connected to its target: send a datagram naming the client and its sequence number, wait for the answer that
/// carries it back; one not back within <see cref="AnswerTimeout"/> counts as lost and the client sends its next. Answers
/// that come late (an older sequence number) are dropped, not counted twice. With a new flow per datagram each request
/// goes from a socket of its own (a fresh source port: a new relay flow, a new conntrack entry, a new DNAT decision), as
/// a DNS resolver or a stateless client that opens a socket per query does.
/// </summary>
internal static class UdpLoadGenerator
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMilliseconds(500);

    public static async Task<UdpLoadResult> RunAsync(int clients, Func<int, IPEndPoint> target, TimeSpan duration, CancellationToken ct,
        bool newFlowPerDatagram = false, Func<Socket>? newSocket = null)
    {
        var started = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, target(c), duration, newFlowPerDatagram, newSocket, ct), ct)));
        var byPod = results.SelectMany(r => r.ByPod).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value), StringComparer.Ordinal);
        return new UdpLoadResult([.. results.SelectMany(r => r.RoundTrips)], results.Sum(r => r.Sent), results.Sum(r => r.Lost), byPod, started.Elapsed);
    }

    private static async Task<UdpLoadResult> ClientAsync(int client, IPEndPoint target, TimeSpan duration, bool newFlowPerDatagram, Func<Socket>? newSocket,
        CancellationToken ct)
    {
        var roundTrips = new List<double>();
        var byPod = new Dictionary<string, long>(StringComparer.Ordinal);
        var buffer = new byte[2048];
        long sent = 0, lost = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var socket = await ConnectAsync(target, newSocket, ct);
        try
        {
            while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                var request = $"c{client}-{sent}";
                var start = Stopwatch.GetTimestamp();
                sent++;
                if (newFlowPerDatagram && sent > 1)
                {
                    // The socket's own setup is part of the round trip, as it is for the client that does this.
                    socket.Dispose();
                    socket = await ConnectAsync(target, newSocket, ct);
                }
                var pod = await ExchangeAsync(socket, request, buffer, ct);
                if (pod is null)
                {
                    lost++;
                    continue;
                }
                roundTrips.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                byPod[pod] = byPod.GetValueOrDefault(pod) + 1;
            }
        }
        finally
        {
            socket.Dispose();
        }
        return new UdpLoadResult(roundTrips, sent, lost, byPod, TimeSpan.Zero);
    }

    /// <summary>Sends <paramref name="request"/> and returns the name of the pod whose answer carries it back; null when none came in time.</summary>
    private static async Task<string?> ExchangeAsync(Socket socket, string request, byte[] buffer, CancellationToken ct)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, ct);
        }
        catch (SocketException)
        {
            // An ICMP error from an earlier datagram (port unreachable) surfaces on the next call: that one is lost.
            return null;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AnswerTimeout);
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                var answer = Encoding.ASCII.GetString(buffer, 0, read);
                var space = answer.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && answer.AsSpan(space + 1).SequenceEqual(request))
                {
                    return answer[..space];
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>A socket connected to <paramref name="target"/>: the host's, or one <paramref name="newSocket"/> makes (in a pod's namespace).</summary>
    private static async Task<Socket> ConnectAsync(IPEndPoint target, Func<Socket>? newSocket, CancellationToken ct)
    {
        var socket = newSocket?.Invoke() ?? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            await socket.ConnectAsync(target, ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
