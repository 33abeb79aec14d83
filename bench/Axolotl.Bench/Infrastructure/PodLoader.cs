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
        // The first failure stops the other clients rather than letting them run out the budget.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            using var api = new ApiClient(config, http2);
            try
            {
                while (Interlocked.Increment(ref next) is var index && index < end)
                {
                    var body = PodManifests.Pod(ns, PodManifests.Name(index));
                    var start = Stopwatch.GetTimestamp();
                    await api.CreateAsync(path, body, failed.Token);
                    samples.Add(start, Stopwatch.GetTimestamp());
                }
            }
            catch (Exception e) when (!failed.IsCancellationRequested)
            {
                await failed.CancelAsync();
                // Not an OperationCanceledException even for a request timeout: this is the error to report.
                throw new InvalidOperationException($"a client creating pods in {ns} failed: {e.Message}", e);
            }
        }, failed.Token)).ToList();
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
