using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests;

/// <summary>
/// Crash safety: every create the server acknowledged survives a SIGKILL, and SIGTERM is a clean stop.
/// Each test owns its server because it kills it.
/// </summary>
public sealed class DurabilityTests
{
    private const string Ns = "burst";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task CreateNamespaceAsync(HttpClient http)
    {
        using var response = await http.PostAsync("/api/v1/namespaces", Json($"{{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{{\"name\":\"{Ns}\"}}}}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<HashSet<string>> ListConfigMapsAsync(HttpClient http)
    {
        using var response = await http.GetAsync($"/api/v1/namespaces/{Ns}/configmaps");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("items").EnumerateArray()
            .Select(item => item.GetProperty("metadata").GetProperty("name").GetString()!)
            .ToHashSet();
    }

    [Fact]
    public async Task Every_acknowledged_create_survives_a_sigkill_in_the_middle_of_a_burst()
    {
        await using var server = await AxolotlServer.StartAsync();
        using (var setup = ApiClient.Create(server))
        {
            await CreateNamespaceAsync(setup);
        }

        var acknowledged = new ConcurrentDictionary<string, string>();
        var attempted = 0;
        using var stop = new CancellationTokenSource();
        var killAfter = 150;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task WorkerAsync(int worker)
        {
            using var http = ApiClient.Create(server);
            for (var i = 0; i < 1000 && !stop.IsCancellationRequested; i++)
            {
                var name = $"cm-{worker}-{i}";
                Interlocked.Increment(ref attempted);
                var body = $"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"{name}\"}},\"data\":{{\"worker\":\"{worker}\",\"seq\":\"{i}\"}}}}";
                try
                {
                    using var response = await http.PostAsync($"/api/v1/namespaces/{Ns}/configmaps", Json(body));
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                        acknowledged[name] = created.RootElement.GetProperty("metadata").GetProperty("uid").GetString()!;
                        if (acknowledged.Count >= killAfter)
                        {
                            killed.TrySetResult();
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    return; // The server is gone: this worker's burst is over.
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        }

        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(() => WorkerAsync(w))).ToArray();
        await killed.Task.WaitAsync(TimeSpan.FromSeconds(120));
        await server.KillAsync();
        stop.Cancel();
        await Task.WhenAll(workers);
        Assert.True(acknowledged.Count >= killAfter, $"only {acknowledged.Count} creates acknowledged");
        Assert.True(attempted > acknowledged.Count, "the kill should have landed in the middle of the burst");

        await server.RestartAsync();

        using var after = ApiClient.Create(server);
        var stored = await ListConfigMapsAsync(after);
        var lost = acknowledged.Keys.Where(name => !stored.Contains(name)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged creates were lost after SIGKILL: {string.Join(", ", lost.Take(20))}");

        // Same objects, not re-created ones: the UIDs match what the POSTs returned.
        var sample = acknowledged.First();
        var kubectl = new Kubectl(server);
        Assert.Equal(sample.Value, await kubectl.OkAsync("get", "configmap", sample.Key, "-n", Ns, "-o", "jsonpath={.metadata.uid}"));
        var names = TableText.Lines(await kubectl.OkAsync("get", "configmaps", "-n", Ns, "-o", "name"));
        Assert.True(names.Length >= acknowledged.Count, $"kubectl sees {names.Length} configmaps, {acknowledged.Count} were acknowledged");

        // The restarted server keeps working: it accepts writes and its resourceVersions keep rising.
        Assert.Equal("configmap/after-restart created\n", await kubectl.OkAsync("create", "configmap", "after-restart", "--from-literal=a=b", "-n", Ns));
        var before = long.Parse(await kubectl.OkAsync("get", "configmap", sample.Key, "-n", Ns, "-o", "jsonpath={.metadata.resourceVersion}"), System.Globalization.CultureInfo.InvariantCulture);
        var newer = long.Parse(await kubectl.OkAsync("get", "configmap", "after-restart", "-n", Ns, "-o", "jsonpath={.metadata.resourceVersion}"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(newer > before, $"resourceVersion went backwards after restart: {newer} <= {before}");
    }

    [Fact]
    public async Task Sigterm_stops_the_server_cleanly_and_the_data_is_still_there_after_a_restart()
    {
        await using var server = await AxolotlServer.StartAsync();
        var kubectl = new Kubectl(server);
        await kubectl.OkAsync("create", "namespace", "kept");
        await kubectl.OkAsync("create", "configmap", "kept", "--from-literal=color=green", "-n", "kept");

        var clock = Stopwatch.StartNew();
        var exitCode = await server.StopAsync(TimeSpan.FromSeconds(10));
        clock.Stop();

        Assert.Equal(0, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"SIGTERM took {clock.Elapsed.TotalSeconds:0.0}s");

        await server.RestartAsync();
        Assert.Equal("green", await kubectl.OkAsync("get", "configmap", "kept", "-n", "kept", "-o", "jsonpath={.data.color}"));
    }

    [Fact]
    public async Task Sigterm_closes_open_watches_and_still_exits_cleanly()
    {
        await using var server = await AxolotlServer.StartAsync();
        var kubectl = new Kubectl(server);
        await kubectl.OkAsync("create", "configmap", "watched", "--from-literal=a=1", "-n", "default");
        await using var watcher = kubectl.Start("get", "configmaps", "-n", "default", "-w");
        await watcher.WaitForStdoutAsync(o => o.Contains("watched", StringComparison.Ordinal), "the watch to start");

        var exitCode = await server.StopAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, exitCode);
    }
}
