using System.Diagnostics;
using System.Text.Json.Nodes;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Scenarios.Traffic;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// When the web Service had no ready endpoint: its Endpoints object read every 200 ms. A NodePort request that fails
/// then is Kubernetes' answer (kube-proxy rejects a Service without endpoints, and so does the relay), the workload's
/// readiness rather than the proxy's failure, so <see cref="FailureCount"/> counts it apart. The proxy learns
/// readiness from its own agent before the Endpoints object changes and from the watch after it, so each gap is
/// widened by <see cref="Margin"/> on both sides. A read that fails (the server is down) ends no gap and starts none.
/// </summary>
internal sealed class WebEndpointGaps(ApiClient api)
{
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(200);
    private readonly Lock _gate = new();
    private readonly List<(long From, long To)> _gaps = [];
    private long _openSince = long.MaxValue;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _gaps.Count + (_openSince != long.MaxValue ? 1 : 0);
            }
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var path = $"/api/v1/namespaces/{TrafficWorkload.Namespace}/endpoints/{TrafficWorkload.App}";
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var endpoints = JsonNode.Parse(await api.GetAsync(path, ct))!.AsObject();
                    Observe(ReadyAddresses(endpoints), Stopwatch.GetTimestamp());
                }
                catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException or InvalidOperationException
                    || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    // The server is down or restarting: nothing is known.
                }
                await Task.Delay(Every, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Whether a request from <paramref name="start"/> to <paramref name="end"/> (Stopwatch timestamps) overlapped a gap, widened by the margin.</summary>
    public bool Overlaps(long start, long end)
    {
        var margin = (long)(Margin.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            if (_openSince != long.MaxValue && end >= _openSince - margin)
            {
                return true;
            }
            return _gaps.Any(g => start <= g.To + margin && end >= g.From - margin);
        }
    }

    internal void Observe(int ready, long at)
    {
        lock (_gate)
        {
            if (ready == 0 && _openSince == long.MaxValue)
            {
                _openSince = at;
            }
            else if (ready > 0 && _openSince != long.MaxValue)
            {
                _gaps.Add((_openSince, at));
                _openSince = long.MaxValue;
            }
        }
    }

    private static int ReadyAddresses(JsonObject endpoints) =>
        endpoints["subsets"] is JsonArray subsets ? subsets.Sum(s => s?["addresses"] is JsonArray addresses ? addresses.Count : 0) : 0;
}
