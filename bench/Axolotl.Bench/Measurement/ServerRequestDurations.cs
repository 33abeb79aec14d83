using System.Globalization;
using System.Text;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Measurement;

/// <summary>
/// How long the server itself took for one verb on one resource over a phase: its apiserver_request_duration_seconds
/// histogram read before and after. That clock runs from the moment the server's request pipeline takes the request
/// (Kestrel has read its headers) to the end of the handler: authentication, flow control, admission, storage, the
/// response. Set beside the client's own timing it splits a slow request into that and the rest (the client, TLS,
/// HTTP/2 framing, Kestrel, the wait for a thread before the pipeline runs).
/// </summary>
internal sealed class ServerRequestDurations
{
    private const string Metric = "apiserver_request_duration_seconds_bucket";
    private readonly string _verb;
    private readonly string _resource;
    private readonly SortedDictionary<double, double> _before;

    private ServerRequestDurations(string verb, string resource, SortedDictionary<double, double> before) =>
        (_verb, _resource, _before) = (verb, resource, before);

    public static async Task<ServerRequestDurations> StartAsync(ApiClient api, string verb, string resource, CancellationToken ct) =>
        new(verb, resource, await ScrapeAsync(api, verb, resource, ct));

    /// <summary>The requests since the start by upper bound in seconds, cumulative as Prometheus keeps them (+Inf last).</summary>
    public async Task<SortedDictionary<double, double>> SinceStartAsync(ApiClient api, CancellationToken ct)
    {
        var now = await ScrapeAsync(api, _verb, _resource, ct);
        return new SortedDictionary<double, double>(now.ToDictionary(kv => kv.Key, kv => kv.Value - _before.GetValueOrDefault(kv.Key)));
    }

    /// <summary>The smallest bucket bound under which at least <paramref name="quantile"/> of the requests fall.</summary>
    public static double QuantileBound(SortedDictionary<double, double> cumulative, double quantile)
    {
        var total = cumulative.Count == 0 ? 0 : cumulative.Values.Max();
        return cumulative.FirstOrDefault(kv => kv.Value >= quantile * total && total > 0, new(double.NaN, 0)).Key;
    }

    /// <summary>How many requests took longer than <paramref name="seconds"/>, a bucket bound.</summary>
    public static double Over(SortedDictionary<double, double> cumulative, double seconds) =>
        cumulative.Count == 0 ? 0 : cumulative.Values.Max() - cumulative.GetValueOrDefault(seconds);

    private static async Task<SortedDictionary<double, double>> ScrapeAsync(ApiClient api, string verb, string resource, CancellationToken ct)
    {
        var buckets = new SortedDictionary<double, double>();
        var text = Encoding.UTF8.GetString(await api.GetAsync("/metrics", ct));
        foreach (var (labels, value) in PrometheusText.Samples(text, Metric))
        {
            if (labels.GetValueOrDefault("verb") != verb || labels.GetValueOrDefault("resource") != resource
                || labels.GetValueOrDefault("subresource", "") != "" || labels.GetValueOrDefault("le") is not { } le)
            {
                continue;
            }
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, NumberStyles.Float, CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + value;
        }
        return buckets;
    }
}
