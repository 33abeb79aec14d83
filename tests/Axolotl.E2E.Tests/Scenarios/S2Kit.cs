using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// S2's example folder and shared steps. Every S2 class runs in one collection: the example's
/// LoadBalancer ports (8013, 8081, 8012) are on the node's address, which all test servers share.
/// </summary>
internal static class S2Kit
{
    public const string Collection = "S2 scenario (fixed LoadBalancer ports)";

    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    public static string Folder
    {
        get
        {
            var folder = System.IO.Path.Combine(RepoPaths.Root, "examples", "s2-probes-resources-quotas");
            Assert.True(Directory.Exists(folder), $"missing example folder {folder}");
            return folder;
        }
    }

    /// <summary>A file or folder of the example, e.g. "numbers/update/api-with-readiness.yaml".</summary>
    public static string Path(string relative) => System.IO.Path.Combine(Folder, relative);

    /// <summary>`kubectl apply -f X [-f Y]` with the example's paths; returns kubectl's output.</summary>
    public static Task<string> ApplyAsync(ServerFixture fx, params string[] relative) =>
        fx.Kubectl.OkAsync(["apply", .. relative.SelectMany(r => new[] { "-f", Path(r) })]);

    public static async Task<string> JsonPathAsync(ServerFixture fx, string resource, string path, string ns = "default") =>
        (await fx.Kubectl.OkAsync("get", resource, "-n", ns, "-o", $"jsonpath={path}")).Trim();

    public static Task<string> UntilJsonPathAsync(ServerFixture fx, string resource, string path, Func<string, bool> done, string what, string ns = "default", TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => JsonPathAsync(fx, resource, path, ns), done, what, timeout ?? Slow);

    /// <summary>The endpoint addresses of a Service, space-separated ("" when none are ready).</summary>
    public static Task<string> EndpointIpsAsync(ServerFixture fx, string service, string ns = "default") =>
        JsonPathAsync(fx, "endpoints/" + service, "{.subsets[*].addresses[*].ip}", ns);

    public static int Count(string spaceSeparated) => spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>One GET on a fresh connection: status and body, or null when no answer came.</summary>
    public static async Task<(int Status, string Body)?> GetAsync(string url, TimeSpan? timeout = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = timeout ?? TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.ConnectionClose = true;
        try
        {
            using var response = await http.SendAsync(request);
            return ((int)response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            return null;
        }
    }

    /// <summary>The names of the pods matching a selector (terminating ones too).</summary>
    public static async Task<string[]> PodNamesAsync(ServerFixture fx, string selector, string ns = "default")
    {
        var names = (await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", selector, "-o", "jsonpath={.items[*].metadata.name}")).Trim();
        return names.Length == 0 ? [] : names.Split(' ');
    }

    /// <summary>
    /// The note's `kubectl wait --for=condition=ContainersReady pod -l SELECTOR`, repeated while it
    /// answers "no matching resources found" (run right after `apply`, the pods may not exist yet).
    /// </summary>
    public static async Task<string> WaitContainersReadyAsync(ServerFixture fx, string selector)
    {
        var result = await Eventually.UntilAsync(
            () => fx.Kubectl.RunAsync(["wait", "--for=condition=ContainersReady", "pod", "-l", selector, "--timeout=60s"], null, timeout: TimeSpan.FromSeconds(70)),
            r => r.ExitCode == 0 || !r.Stderr.Contains("no matching resources found"), $"pods {selector} to exist", Slow);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    /// <summary>
    /// Waits until every pod matching the selector logs that it listens: a stand-in needs a moment
    /// after Running, and pods without a readiness probe are in the endpoints before that.
    /// </summary>
    public static async Task UntilListeningAsync(ServerFixture fx, string selector)
    {
        foreach (var pod in await PodNamesAsync(fx, selector))
        {
            await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("logs", pod), r => r.Stdout.Contains("listening on"), $"{pod} to listen", Slow);
        }
    }
}
