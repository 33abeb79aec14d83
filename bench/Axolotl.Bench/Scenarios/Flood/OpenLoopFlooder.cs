using System.Diagnostics;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;

namespace Axolotl.Bench.Scenarios.Flood;

/// <summary>
/// An open-loop read flood: requests are due at a fixed rate from the start, whatever the answers, spread round
/// robin over several connections, and each one is sent when due without waiting for earlier ones. When the
/// client itself falls behind (every stream of every connection unanswered), a due request is counted as not
/// sent rather than delayed, so the offered, sent and answered rates are told apart honestly.
/// </summary>
internal sealed class OpenLoopFlooder(IReadOnlyList<ApiClient> connections, Func<long, string> pathOf, double ratePerSecond, string label)
{
    /// <summary>Unanswered requests the client keeps at most: as many as its connections can have at the server, none queued in the client.</summary>
    public int MaxOutstanding { get; } = connections.Count * StreamsPerConnection;

    /// <summary>Concurrent streams the server allows on one HTTP/2 connection (Kestrel's default).</summary>
    public const int StreamsPerConnection = 100;

    private readonly LatencySamples _served = new($"{label}, answered 200");
    private readonly LatencySamples _rejected = new($"{label}, answered 429");
    private long _due;
    private long _sent;
    private long _notSent;
    private long _ok;
    private long _tooMany;
    private long _tooManyWithRetryAfter;
    private long _otherStatus;
    private long _failed;
    private int _outstanding;
    private double _seconds;
    private double _pacingSeconds;

    public LatencySamples Served => _served;
    public LatencySamples Rejected => _rejected;
    public long Due => Interlocked.Read(ref _due);
    public long Sent => Interlocked.Read(ref _sent);
    public long NotSent => Interlocked.Read(ref _notSent);
    public long Ok => Interlocked.Read(ref _ok);
    public long TooMany => Interlocked.Read(ref _tooMany);
    public long TooManyWithRetryAfter => Interlocked.Read(ref _tooManyWithRetryAfter);
    public long OtherStatus => Interlocked.Read(ref _otherStatus);
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Seconds from the first due request to the last answer.</summary>
    public double Seconds => _seconds;

    /// <summary>Seconds over which requests were due (the offered rate's span).</summary>
    public double PacingSeconds => _pacingSeconds;

    /// <summary>Floods until <paramref name="stop"/> fires, then waits for the requests in flight.</summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        try
        {
            while (!stop.IsCancellationRequested && await timer.WaitForNextTickAsync(stop))
            {
                // Catch up on every request due by now, so a late tick sends a burst rather than lowering the rate.
                var dueNow = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * ratePerSecond);
                for (var n = Due; n < dueNow; n++)
                {
                    Interlocked.Increment(ref _due);
                    if (Volatile.Read(ref _outstanding) >= MaxOutstanding)
                    {
                        Interlocked.Increment(ref _notSent);
                        continue;
                    }
                    Interlocked.Increment(ref _outstanding);
                    Interlocked.Increment(ref _sent);
                    inFlight.Add(SendAsync(connections[(int)(n % connections.Count)], pathOf(n), ct));
                }
                if (inFlight.Count > 10_000)
                {
                    inFlight.RemoveAll(t => t.IsCompleted);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The flood's time is up.
        }
        _pacingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.WhenAll(inFlight);
        _seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private async Task SendAsync(ApiClient connection, string path, CancellationToken ct)
    {
        await Task.Yield();
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await connection.ExchangeAsync(request, ct);
            var end = Stopwatch.GetTimestamp();
            switch ((int)response.StatusCode)
            {
                case 200:
                    Interlocked.Increment(ref _ok);
                    _served.Add(start, end);
                    break;
                case 429:
                    Interlocked.Increment(ref _tooMany);
                    _rejected.Add(start, end);
                    if (response.Headers.RetryAfter is not null)
                    {
                        Interlocked.Increment(ref _tooManyWithRetryAfter);
                    }
                    break;
                default:
                    Interlocked.Increment(ref _otherStatus);
                    break;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failed);
        }
        finally
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }
}
