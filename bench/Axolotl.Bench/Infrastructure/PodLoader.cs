using System.Diagnostics;
using Axolotl.Bench.Measurement;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// Creates many pods with several concurrent clients, each on its own connection; the samples it
/// returns give per-create latency under load and creates per second over the whole batch.
/// </summary>
internal static class PodLoader
{
    public static async Task<LatencySamples> CreateAsync(Kubeconfig config, bool http2, string ns, int firstIndex, int count, int clients,
        string seriesName, CancellationToken ct)
    {
        var samples = new LatencySamples(seriesName);
        var next = firstIndex - 1;
        var end = firstIndex + count;
        var path = PodManifests.PodsPath(ns);
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            using var api = new ApiClient(config, http2);
            while (true)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= end)
                {
                    return;
                }
                var body = PodManifests.Pod(ns, PodManifests.Name(index));
                var start = Stopwatch.GetTimestamp();
                await api.CreateAsync(path, body, ct);
                samples.Add(start, Stopwatch.GetTimestamp());
            }
        }, ct)).ToList();
        await Task.WhenAll(workers);
        return samples;
    }

    /// <summary>Creates the namespace; one that already exists is fine.</summary>
    public static async Task EnsureNamespaceAsync(ApiClient api, string name, CancellationToken ct)
    {
        try
        {
            await api.CreateAsync("/api/v1/namespaces", PodManifests.Namespace(name), ct);
        }
        catch (HttpRequestException e) when (e.Message.Contains("got 409", StringComparison.Ordinal))
        {
            // AlreadyExists.
        }
    }
}
