using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Bench.Infrastructure;
using Axolotl.Bench.Measurement;
using Axolotl.Bench.Reporting;
using Axolotl.E2E.Tests.Hostile;

namespace Axolotl.Bench.Scenarios;

/// <summary>
/// The end-to-end suite's seeded hostile corpus (issue 15), sent four at a time by no credential, the
/// admin and the join token: how fast a server turns it away (requests/s, latency percentiles), the
/// server's CPU and RSS growth, and how many answers were 5xx (target 0; upstream's 504 for a
/// resourceVersion from the future is counted apart). The generator source is shared with the test.
/// </summary>
internal sealed class HostileCorpusScenario : IScenario
{
    private const int Concurrency = 4;

    public string Name => "hostile-corpus";

    public string Description => "the seeded hostile-request corpus: rate, latency, 5xx count and RSS growth";

    public TimeSpan Budget(bool quick) => TimeSpan.FromSeconds(quick ? 60 : 180);

    public async Task RunAsync(BenchContext context, ScenarioReport report, CancellationToken ct)
    {
        var count = context.Quick ? 1_200 : 4_800;
        await using var server = await context.StartServerAsync(ct);
        var config = server.Kubeconfig;
        using (var api = context.Connect(server))
        {
            foreach (var ns in new[] { "corpus", "keep" })
            {
                await api.CreateAsync("/api/v1/namespaces", Encoding.UTF8.GetBytes($$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{ns}}"} }"""), ct);
            }
            await api.CreateAsync("/api/v1/namespaces/corpus/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target"},"data":{"a":"b"} }"""u8.ToArray(), ct);
        }
        var join = (await File.ReadAllTextAsync(Path.Combine(server.DataDir, "join-token"), ct)).Trim();
        var clients = new Dictionary<string, HttpClient>
        {
            ["none"] = HostileClient.Create(config.CaPem, null),
            ["admin"] = HostileClient.Create(config.CaPem, config.Token),
            ["join-token"] = HostileClient.Create(config.CaPem, join),
        };
        var corpus = new HostileCorpus(15, "corpus", "keep", [.. clients.Keys]).Generate(count).ToList();
        var samples = new LatencySamples($"{count:N0} hostile requests, {Concurrency} at a time");
        var byClass = new int[6];
        var tooLarge = 0;
        var rssBefore = ProcStatus.RssMegabytes(server.Pid);
        var cpu = CpuMeter.Start(server.Pid);
        context.Log($"{Name}: {count} requests");

        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (request, token) =>
        {
            using var message = new HttpRequestMessage(new HttpMethod(request.Method),
                new Uri($"{config.Server.GetLeftPart(UriPartial.Authority)}{request.RawPath}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
            if (request.Body is not null)
            {
                message.Content = new ByteArrayContent(request.Body);
                if (!string.IsNullOrEmpty(request.ContentType))
                {
                    message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
                }
            }
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await clients[request.Principal].SendAsync(message, token);
                var body = await response.Content.ReadAsStringAsync(token);
                samples.Add(start, Stopwatch.GetTimestamp());
                var code = (int)response.StatusCode;
                Interlocked.Increment(ref byClass[Math.Clamp(code / 100, 0, 5)]);
                if (code == 504 && body.Contains("ResourceVersionTooLarge", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref tooLarge);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref byClass[0]);
            }
        });

        var summary = report.Add(samples, "per-request latency; per second = throughput (the 3 s waits of future resourceVersions included)", cpu);
        report.Add("hostile requests per second", summary.ThroughputPerSecond ?? 0, "req/s");
        report.Add("answers 4xx", byClass[4], "requests");
        report.Add("answers 2xx", byClass[2], "requests", "valid requests in the corpus (e.g. a dry, well-formed patch)");
        report.Add("504 Too large resource version", tooLarge, "requests", "upstream's answer to a resourceVersion from the future");
        report.Add("server RSS growth", ProcStatus.RssMegabytes(server.Pid) - rssBefore, "MB");
        report.Target("5xx answers other than 504 too-large", byClass[5] - tooLarge, 0, "requests");
        report.Target("failed connections", byClass[0], 0, "requests");
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }
}
