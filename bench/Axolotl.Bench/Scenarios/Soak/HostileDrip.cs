using System.Diagnostics;
using System.Globalization;
using System.Text;
using Axolotl.Bench.Infrastructure;
using Axolotl.E2E.Tests.Hostile;

namespace Axolotl.Bench.Scenarios.Soak;

/// <summary>
/// The hostile corpus (as <see cref="HostileCorpusScenario"/> sends it, from the e2e test's seeded
/// generator), one request every 100 ms round and round for the whole soak, as no credential, the admin
/// and the join token. A failed connection or a 5xx (but upstream's 504 for a resourceVersion from the
/// future) is a failed request.
/// </summary>
internal static class HostileDrip
{
    private const int CorpusSize = 2_000;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(100);

    /// <summary>The namespaces and the ConfigMap the corpus aims at.</summary>
    public static async Task PrepareAsync(ApiClient api, CancellationToken ct)
    {
        foreach (var ns in new[] { "corpus", "keep" })
        {
            await api.CreateAsync("/api/v1/namespaces", Encoding.UTF8.GetBytes($$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{ns}}"} }"""), ct);
        }
        await api.CreateAsync("/api/v1/namespaces/corpus/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target"},"data":{"a":"b"} }"""u8.ToArray(), ct);
    }

    public static async Task RunAsync(Kubeconfig config, string joinToken, ServerOutage outage, FailureCount failures, CancellationToken ct)
    {
        var clients = new Dictionary<string, HttpClient>
        {
            ["none"] = HostileClient.Create(config.CaPem, null),
            ["admin"] = HostileClient.Create(config.CaPem, config.Token),
            ["join-token"] = HostileClient.Create(config.CaPem, joinToken),
        };
        var corpus = new HostileCorpus(37, "corpus", "keep", [.. clients.Keys]).Generate(CorpusSize).ToList();
        var authority = config.Server.GetLeftPart(UriPartial.Authority);
        try
        {
            for (var i = 0; !ct.IsCancellationRequested; i++)
            {
                var request = corpus[i % corpus.Count];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var message = new HttpRequestMessage(new HttpMethod(request.Method),
                        new Uri(authority + request.RawPath, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
                    if (request.Body is not null)
                    {
                        message.Content = new ByteArrayContent(request.Body);
                        if (!string.IsNullOrEmpty(request.ContentType))
                        {
                            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
                        }
                    }
                    using var response = await clients[request.Principal].SendAsync(message, ct);
                    var body = await response.Content.ReadAsStringAsync(ct);
                    var code = (int)response.StatusCode;
                    var tooLarge = code == 504 && body.Contains("ResourceVersionTooLarge", StringComparison.Ordinal);
                    if (code >= 500 && !tooLarge)
                    {
                        failures.Failed(outage.OverlapsUntilNow(started), $"{code} for {request.Kind}");
                    }
                    else
                    {
                        failures.Succeeded();
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    failures.Failed(outage.OverlapsUntilNow(started), "hostile: " + e.GetType().Name);
                }
                await Task.Delay(Pace, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    public static string Describe() => string.Create(CultureInfo.InvariantCulture, $"the seeded hostile corpus ({CorpusSize:N0} requests, cycled), one every {Pace.TotalMilliseconds:F0} ms");
}
