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
