using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>`kubectl get -w` as a background process: rows appear as other commands change objects.</summary>
[Collection(SharedServerFCollection.Name)]
public sealed class WatchTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    /// <summary>
    /// `kubectl get NAME -w` prints the object it GETs, then watches from resourceVersion 0 and drops the
    /// first (synthetic) event. A change made before that watch is established is folded into the dropped
    /// event, as with a real cluster, so the change is repeated until the watcher shows it.
    /// </summary>
    private static async Task<string> ChangeUntilSeenAsync(BackgroundProcess watcher, Func<int, Task> change, Func<string, bool> seen, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            await change(attempt);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                if (seen(watcher.Stdout))
                {
                    return watcher.Stdout;
                }
                await Task.Delay(50);
            }
            if (attempt == 10)
            {
                return await watcher.WaitForStdoutAsync(seen, what, TimeSpan.FromSeconds(1));
            }
        }
    }

    private static int RowsFor(string output, string name) => TableText.Lines(output).Count(line => TableText.Cells(line)[0] == name);

    [Fact]
    public async Task Watching_a_collection_prints_the_current_rows_then_new_objects()
    {
        var ns = await fx.NewNamespaceAsync("watch-list");
        await fx.Kubectl.OkAsync("create", "configmap", "first", "--from-literal=a=1", "-n", ns);

        await using var watcher = fx.Kubectl.Start("get", "configmaps", "-n", ns, "-w");
        var initial = await watcher.WaitForStdoutAsync(o => RowsFor(o, "first") == 1, "the initial row of 'first'");
        Assert.Equal(["NAME", "DATA", "AGE"], TableText.Header(initial));

        await fx.Kubectl.OkAsync("create", "configmap", "second", "--from-literal=a=1", "--from-literal=b=2", "-n", ns);

        var seen = await watcher.WaitForStdoutAsync(o => RowsFor(o, "second") == 1, "a row for the new configmap 'second'");
        Assert.Equal("2", TableText.Row(seen, "second")[1]);
        Assert.False(watcher.HasExited, "the watch ended on its own");
    }

    [Fact]
    public async Task A_kubectl_watch_that_stops_reading_while_2000_configmaps_pass_reads_them_all_afterwards_without_a_410()
    {
        const int count = 2000;
        var ns = await fx.NewNamespaceAsync("watch-behind");
        var from = await fx.Kubectl.OkAsync("get", "configmaps", "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}");
        var gate = Path.Combine(Path.GetTempPath(), $"axolotl-e2e-watch-gate-{Guid.NewGuid():N}");
        try
        {
            // kubectl streams the watch into a shell that passes one event, then stops reading until the gate file
            // exists: kubectl blocks on the full pipe, stops reading its connection, and the server's writes to it wait.
            const string reader = """
                IFS= read -r first && printf 'live\n' && while [ ! -e "$GATE" ]; do sleep 0.1; done &&
                exec grep --line-buffered -o -E '"type":"(ADDED|ERROR)"|"name":"slow-[0-9]+"'
                """;
            await using var watcher = fx.Kubectl.StartPiped(reader, new Dictionary<string, string> { ["GATE"] = gate },
                "get", "--raw", $"/api/v1/namespaces/{ns}/configmaps?watch=1&resourceVersion={from}&timeoutSeconds=600");
            await fx.Kubectl.OkAsync("create", "configmap", "marker", "-n", ns);
            await watcher.WaitForStdoutAsync(o => o.Contains("live", StringComparison.Ordinal), "the watch's first event");

            // 2,000 events of about 16 kB: more than kubectl's HTTP/2 window and the sockets hold, so the server's
            // watcher falls more than a thousand events behind (the old per-watcher queue, which ended it with 410).
            var payload = new string('x', 16 * 1024);
            var list = new System.Text.StringBuilder("""{"apiVersion":"v1","kind":"List","items":[""");
            for (var i = 0; i < count; i++)
            {
                list.Append(i == 0 ? "" : ",").Append($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"slow-{{{i:D4}}}","namespace":"{{{ns}}}"},"data":{"k":"{{{payload}}}"}}""");
            }
            var created = await fx.Kubectl.RunAsync(["create", "-f", "-", "-o", "name"], list.Append("]}").ToString(), timeout: TimeSpan.FromMinutes(3));
            Assert.True(created.ExitCode == 0, $"kubectl create of {count} configmaps failed: {created.Stderr}");
            File.Create(gate).Dispose();

            var last = $"\"name\":\"slow-{count - 1:D4}\"";
            var output = await watcher.WaitForStdoutAsync(o => o.Contains(last, StringComparison.Ordinal) || o.Contains("ERROR", StringComparison.Ordinal),
                $"the ADDED event of slow-{count - 1:D4}", TimeSpan.FromMinutes(2));

            Assert.DoesNotContain("\"type\":\"ERROR\"", output, StringComparison.Ordinal);
            // Every line is an event's type or a slow-N name; the namespace's kube-root-ca.crt may be one more ADDED.
            Assert.InRange(CountOf(output, "\"type\":\"ADDED\""), count, count + 1);
            var names = output.Split('\n').Where(l => l.StartsWith("\"name\":", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, count).Select(i => $"\"name\":\"slow-{i:D4}\""), names);
            Assert.False(watcher.HasExited, $"the watch ended: {watcher.Stderr}");
        }
        finally
        {
            File.Delete(gate);
        }
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }

    [Fact]
    public async Task Watching_one_object_prints_a_new_row_when_it_changes()
    {
        var ns = await fx.NewNamespaceAsync("watch-one");
        await fx.Kubectl.OkAsync("create", "configmap", "watched", "--from-literal=a=1", "-n", ns);
        await fx.Kubectl.OkAsync("create", "configmap", "other", "--from-literal=a=1", "-n", ns);

        await using var watcher = fx.Kubectl.Start("get", "cm", "watched", "-n", ns, "-w");
        await watcher.WaitForStdoutAsync(o => RowsFor(o, "watched") == 1, "the initial row of 'watched'");

        await fx.Kubectl.OkAsync("patch", "cm", "other", "-n", ns, "--type=merge", "-p", "{\"data\":{\"b\":\"2\"}}");
        var seen = await ChangeUntilSeenAsync(watcher,
            attempt => fx.Kubectl.OkAsync("patch", "cm", "watched", "-n", ns, "--type=merge", "-p", $"{{\"data\":{{\"b\":\"2\",\"c\":\"{attempt}\"}}}}"),
            o => RowsFor(o, "watched") >= 2, "a second row after the patch");
        var rows = TableText.Lines(seen).Select(TableText.Cells).Where(c => c[0] == "watched").ToList();
        Assert.Equal("1", rows[0][1]);
        Assert.Equal("3", rows[1][1]);
        Assert.Equal(0, RowsFor(seen, "other"));
    }

    [Fact]
    public async Task Watching_with_output_watch_events_shows_added_modified_and_deleted()
    {
        var ns = await fx.NewNamespaceAsync("watch-events");

        // The namespace also holds kube-root-ca.crt (as on Kubernetes): watch only the test's ConfigMap.
        await using var watcher = fx.Kubectl.Start("get", "configmaps", "-n", ns, "--field-selector", "metadata.name=brief", "-w", "--output-watch-events");
        await fx.Kubectl.OkAsync("create", "configmap", "brief", "--from-literal=a=1", "-n", ns);
        await watcher.WaitForStdoutAsync(o => o.Contains("ADDED", StringComparison.Ordinal) && o.Contains("brief", StringComparison.Ordinal), "ADDED brief");

        await fx.Kubectl.OkAsync("label", "cm", "brief", "x=y", "-n", ns);
        await watcher.WaitForStdoutAsync(o => o.Contains("MODIFIED", StringComparison.Ordinal), "MODIFIED brief");

        await fx.Kubectl.OkAsync("delete", "cm", "brief", "-n", ns);
        var seen = await watcher.WaitForStdoutAsync(o => o.Contains("DELETED", StringComparison.Ordinal), "DELETED brief");

        Assert.Equal(["EVENT", "NAME", "DATA", "AGE"], TableText.Header(seen));
        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], TableText.Keys(seen).Where(k => k is "ADDED" or "MODIFIED" or "DELETED").ToArray());
    }

    [Fact]
    public async Task Watching_with_a_label_selector_ignores_objects_that_do_not_match()
    {
        var ns = await fx.NewNamespaceAsync("watch-label");

        await using var watcher = fx.Kubectl.Start("get", "configmaps", "-n", ns, "-l", "team=blue", "-w", "--output-watch-events");
        await fx.Kubectl.OkAsync("create", "configmap", "red", "--from-literal=a=1", "-n", ns);
        await fx.Kubectl.OkAsync("label", "cm", "red", "team=red", "-n", ns);
        await fx.Kubectl.OkAsync("create", "configmap", "blue", "--from-literal=a=1", "-n", ns);
        await fx.Kubectl.OkAsync("label", "cm", "blue", "team=blue", "-n", ns);

        var seen = await watcher.WaitForStdoutAsync(o => RowsFor(o, "ADDED") >= 1, "the blue configmap entering the selection");
        Assert.Equal("blue", TableText.Row(seen, "ADDED")[1]);
        Assert.DoesNotContain("red", seen);
    }

    [Fact]
    public async Task Watching_as_json_prints_each_changed_object()
    {
        var ns = await fx.NewNamespaceAsync("watch-json");
        await fx.Kubectl.OkAsync("create", "configmap", "doc", "--from-literal=v=one", "-n", ns);

        await using var watcher = fx.Kubectl.Start("get", "cm", "doc", "-n", ns, "-w", "-o", "jsonpath={.data.v}{\"\\n\"}");
        await watcher.WaitForStdoutAsync(o => o == "one\n", "the current value");

        var seen = await ChangeUntilSeenAsync(watcher,
            attempt => fx.Kubectl.OkAsync("patch", "cm", "doc", "-n", ns, "--type=merge", "-p", $"{{\"data\":{{\"v\":\"two-{attempt}\"}}}}"),
            o => TableText.Lines(o).Length >= 2, "the patched value");

        var lines = TableText.Lines(seen);
        Assert.Equal("one", lines[0]);
        Assert.StartsWith("two-", lines[1]);
    }
}
