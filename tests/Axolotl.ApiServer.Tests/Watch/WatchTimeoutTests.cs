using System.Diagnostics;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Watch;

/// <summary>
/// kube-apiserver's --min-request-timeout: a watch that names no timeout (or 0) ends after a random time
/// between the minimum and twice it, so that the watches of many clients do not all reconnect together;
/// timeoutSeconds, when given, wins.
/// </summary>
public sealed class WatchTimeoutTests
{
    [Theory]
    [InlineData("")]
    [InlineData("&timeoutSeconds=0")]
    public async Task A_watch_without_a_timeout_ends_between_the_minimum_and_twice_it(string query)
    {
        await using var cluster = await InProcessCluster.StartAsync(o => o with { MinRequestTimeout = TimeSpan.FromSeconds(1) });
        using var http = cluster.CreateHttpClient();

        var took = await WatchUntilEndAsync(http, "/api/v1/namespaces/default/configmaps?watch=true" + query);

        Assert.InRange(took, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task TimeoutSeconds_wins_over_the_minimum()
    {
        await using var cluster = await InProcessCluster.StartAsync(o => o with { MinRequestTimeout = TimeSpan.FromSeconds(3600) });
        using var http = cluster.CreateHttpClient();

        var took = await WatchUntilEndAsync(http, "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1");

        Assert.InRange(took, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_zero_minimum_leaves_watches_open()
    {
        await using var cluster = await InProcessCluster.StartAsync(o => o with { MinRequestTimeout = TimeSpan.Zero });
        using var http = cluster.CreateHttpClient();
        using var response = await http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var read = body.ReadAsync(new byte[1]).AsTask();

        await QuietPeriod.HoldsAsync(TimeSpan.FromSeconds(2), () => !read.IsCompleted, "the watch staying open");
    }

    /// <summary>
    /// Kestrel resets an HTTP/2 stream (INTERNAL_ERROR) when a write's token fires mid-write; a watch whose
    /// timeout came while its client was slow to read must still end as a clean end of stream.
    /// </summary>
    [Fact]
    public async Task A_watch_timing_out_while_its_client_reads_slowly_ends_cleanly()
    {
        await using var cluster = await InProcessCluster.StartAsync();
        using var http = cluster.CreateHttpClient();
        var data = new string('x', 2048);
        for (var i = 0; i < 300; i++)
        {
            var body = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"slow-{{{i}}}"},"data":{"d":"{{{data}}}"}}""";
            using var created = await http.PostAsync("/api/v1/namespaces/default/configmaps", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(201, (int)created.StatusCode);
        }
        using var http2 = cluster.CreateHttpClient();
        http2.DefaultRequestVersion = System.Net.HttpVersion.Version20;
        http2.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;

        // The initial ADDED events (about 700 KB) fill the stream's flow-control window at once; nothing reads for 3 s.
        using var response = await http2.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&timeoutSeconds=1",
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(2, response.Version.Major);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        var added = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            added += line.StartsWith("{\"type\":\"ADDED\"", StringComparison.Ordinal) ? 1 : 0;
        }

        // A clean end of stream (no reset) after the events the blocked write held; the rest is the next watch's.
        Assert.InRange(added, 1, 300);
    }

    private static async Task<TimeSpan> WatchUntilEndAsync(HttpClient http, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        while (await body.ReadAsync(buffer) > 0)
        {
        }
        return clock.Elapsed;
    }
}
