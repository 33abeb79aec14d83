using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Hostile;

namespace Axolotl.E2E.Tests;

/// <summary>
/// Issue 15's bounded hostile-input test: 2,400 seeded requests from every principal against a real
/// server, four at a time. No 5xx (but upstream's 504 for a resourceVersion from the future), no reset
/// connection, no request over 10 s, server RSS growth under 100 MB, and every object made before intact.
/// </summary>
public sealed class HostileCorpusTests
{
    private const int Seed = 15;
    private const int Count = 2_400;

    [Fact]
    public async Task A_seeded_corpus_of_hostile_requests_gets_only_client_errors_and_harms_nothing()
    {
        await using var server = await AxolotlServer.StartAsync();
        var kubectl = new Kubectl(server);
        const string ns = "corpus";
        const string keep = "keep";
        await kubectl.OkAsync("create", "namespace", ns);
        await kubectl.OkAsync("create", "namespace", keep);
        await kubectl.OkAsync("create", "configmap", "target", "-n", ns, "--from-literal=a=b");
        foreach (var name in new[] { "one", "two" })
        {
            await kubectl.OkAsync("create", "configmap", name, "-n", keep, $"--from-literal=value={name}");
            await kubectl.OkAsync("create", "secret", "generic", name, "-n", keep, $"--from-literal=value={name}");
        }
        var before = await SnapshotAsync(kubectl, keep);
        using var clients = await PrincipalClients.CreateAsync(server);
        var corpus = new HostileCorpus(Seed, ns, keep, clients.Names).Generate(Count).ToList();
        var rssBefore = ResidentKiB(server.Pid!.Value);
        var failures = new ConcurrentQueue<string>();
        var slowest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, ct) =>
        {
            var timer = Stopwatch.StartNew();
            try
            {
                using var message = new HttpRequestMessage(new HttpMethod(request.Method),
                    new Uri($"https://127.0.0.1:{server.Port}{request.RawPath}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
                if (request.Body is not null)
                {
                    message.Content = new ByteArrayContent(request.Body);
                    if (!string.IsNullOrEmpty(request.ContentType))
                    {
                        message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
                    }
                }
                using var response = await clients.SendAsync(request.Principal, message, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                var code = (int)response.StatusCode;
                var tooLarge = code == 504 && body.Contains("ResourceVersionTooLarge", StringComparison.Ordinal);
                if (code >= 500 && !tooLarge)
                {
                    failures.Enqueue($"{code} for {request}: {body[..Math.Min(body.Length, 300)]}");
                }
            }
            catch (HttpRequestException e)
            {
                failures.Enqueue($"{e.GetType().Name} for {request}: {e.Message} {e.InnerException?.Message}");
            }
            catch (TaskCanceledException)
            {
                failures.Enqueue($"no answer in 15 s for {request}");
            }
            var elapsed = timer.Elapsed;
            if (elapsed > TimeSpan.FromSeconds(10))
            {
                failures.Enqueue($"{elapsed.TotalSeconds:F1} s for {request}");
            }
            lock (failures)
            {
                slowest = elapsed > slowest ? elapsed : slowest;
            }
        });

        var rate = Count / clock.Elapsed.TotalSeconds;
        var rssGrowthMiB = (ResidentKiB(server.Pid!.Value) - rssBefore) / 1024.0;
        Assert.True(failures.IsEmpty, $"{failures.Count} of {Count} failed:\n{string.Join("\n", failures.Take(25))}");
        Assert.True(rssGrowthMiB < 100, $"server RSS grew by {rssGrowthMiB:F0} MiB");
        Assert.Equal(before, await SnapshotAsync(kubectl, keep));
        Console.WriteLine($"hostile corpus: {Count} requests at {rate:F0}/s, slowest {slowest.TotalMilliseconds:F0} ms, RSS +{rssGrowthMiB:F0} MiB");
    }

    /// <summary>The kept namespace's objects as kubectl prints them (names, data and resourceVersions).</summary>
    private static async Task<string> SnapshotAsync(Kubectl kubectl, string ns) =>
        await kubectl.OkAsync("get", "configmaps,secrets", "-n", ns, "-o", "jsonpath={range .items[*]}{.kind}/{.metadata.name}@{.metadata.resourceVersion}={.data}{\"\\n\"}{end}") +
        await kubectl.OkAsync("get", "namespace", ns, "-o", "jsonpath={.status.phase}");

    private static long ResidentKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>One HTTP client per principal, trusting the server's CA: none, admin, the join token, a node's client certificate.</summary>
    private sealed class PrincipalClients : IDisposable
    {
        private readonly Dictionary<string, HttpClient> _clients = [];

        private PrincipalClients()
        {
        }

        public static async Task<PrincipalClients> CreateAsync(AxolotlServer server)
        {
            var admin = KubeconfigFile.Token(server.Kubeconfig);
            var join = File.ReadAllText(AxolotlAgent.ServerTokenFile(server)).Trim();
            var node = (await NodeCertificates.ObtainAsync(server, server.NodeName)).Certificate;
            var ca = File.ReadAllText(Path.Combine(server.DataDir, "pki", "ca.crt"));
            var clients = new PrincipalClients();
            clients._clients["none"] = HostileClient.Create(ca, null);
            clients._clients["admin"] = HostileClient.Create(ca, admin);
            clients._clients["join-token"] = HostileClient.Create(ca, join);
            clients._clients["node"] = HostileClient.Create(ca, null, node);
            return clients;
        }

        public IReadOnlyList<string> Names => [.. _clients.Keys];

        public Task<HttpResponseMessage> SendAsync(string principal, HttpRequestMessage message, CancellationToken ct) => _clients[principal].SendAsync(message, ct);

        public void Dispose()
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }
        }
    }
}
