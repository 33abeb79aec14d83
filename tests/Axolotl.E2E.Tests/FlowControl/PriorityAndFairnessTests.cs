using System.Collections.Concurrent;
using System.Net;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.FlowControl;

/// <summary>
/// API Priority and Fairness with the real kubectl: the default FlowSchemas and priority levels print as
/// upstream's, and on a server with three seats a ServiceAccount flooding the API in parallel gets 429s
/// (Retry-After, upstream's text) while another user's kubectl, a different flow in the same level, is
/// served; a kubectl patch of the level's queue length takes effect without a restart, and the level's seat limits
/// for lending and borrowing are published.
/// </summary>
public sealed class PriorityAndFairnessTests(FlowControlFixture fx) : IClassFixture<FlowControlFixture>
{
    [Fact]
    public async Task Get_flowschemas_and_prioritylevelconfigurations_print_the_defaults()
    {
        // MissingPL is "?" until the Dangling condition is written, then False for every default schema.
        var schemas = (await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && TableText.Row(r.Stdout, "exempt")[^1] == "False",
            "FlowSchema exempt has Dangling=False", "get", "flowschemas")).Stdout;

        Assert.Equal(["NAME", "PRIORITYLEVEL", "MATCHINGPRECEDENCE", "DISTINGUISHERMETHOD", "AGE", "MISSINGPL"], TableText.Header(schemas));
        // Listed by name, as the store keeps them.
        Assert.Equal(["catch-all", "endpoint-controller", "exempt", "global-default", "kube-controller-manager", "kube-scheduler", "kube-system-service-accounts",
            "probes", "service-accounts", "system-leader-election", "system-node-high", "system-nodes", "workload-leader-election"], TableText.Keys(schemas));
        Assert.Equal(["exempt", "exempt", "1", "<none>"], TableText.Row(schemas, "exempt")[..4]);
        Assert.Equal(["service-accounts", "workload-low", "9000", "ByUser"], TableText.Row(schemas, "service-accounts")[..4]);
        Assert.Equal(["kube-scheduler", "workload-high", "800", "ByNamespace"], TableText.Row(schemas, "kube-scheduler")[..4]);

        var levels = await fx.Kubectl.OkAsync("get", "prioritylevelconfigurations");

        Assert.Equal(["NAME", "TYPE", "NOMINALCONCURRENCYSHARES", "QUEUES", "HANDSIZE", "QUEUELENGTHLIMIT", "AGE"], TableText.Header(levels));
        Assert.Equal(["catch-all", "exempt", "global-default", "leader-election", "node-high", "system", "workload-high", "workload-low"], TableText.Keys(levels));
        Assert.Equal(["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>"], TableText.Row(levels, "exempt")[..6]);
        Assert.Equal(["catch-all", "Limited", "5", "<none>", "<none>", "<none>"], TableText.Row(levels, "catch-all")[..6]);
        Assert.Equal(["leader-election", "Limited", "10", "16", "4", "50"], TableText.Row(levels, "leader-election")[..6]);

        var annotation = await fx.Kubectl.OkAsync("get", "flowschema", "catch-all", "-o", "jsonpath={.metadata.annotations.apf\\.kubernetes\\.io/autoupdate-spec}");
        Assert.Equal("true", annotation);
    }

    [Fact]
    public async Task A_flooding_service_account_gets_429_while_another_users_kubectl_is_served()
    {
        var ns = await fx.NewNamespaceAsync("apf");
        await fx.Kubectl.OkAsync("create", "serviceaccount", "flood", "-n", ns);
        await fx.Kubectl.OkAsync("create", "serviceaccount", "other", "-n", ns);
        await fx.Kubectl.OkAsync("create", "rolebinding", "readers", "-n", ns, "--clusterrole", "view", $"--serviceaccount={ns}:flood", $"--serviceaccount={ns}:other");
        var floodToken = (await fx.Kubectl.OkAsync("create", "token", "flood", "-n", ns)).Trim();
        var otherToken = (await fx.Kubectl.OkAsync("create", "token", "other", "-n", ns)).Trim();
        // Shorter queues for the level ServiceAccounts land in, while the server runs: the flood fills its
        // hand of 6 queues with 2 each and the rest of it is refused at once.
        var patched = await fx.Kubectl.RunAsync("patch", "prioritylevelconfiguration", "workload-low", "--type=merge",
            "-p", """{"spec":{"limited":{"limitResponse":{"queuing":{"queueLengthLimit":2}}}}}""");
        Assert.True(patched.ExitCode == 0, patched.ToString());
        Assert.DoesNotContain("Warning", patched.Stderr);
        Assert.Equal("2", await fx.Kubectl.OkAsync("get", "prioritylevelconfiguration", "workload-low", "-o", "jsonpath={.spec.limited.limitResponse.queuing.queueLengthLimit}"));
        var schemaUid = await fx.Kubectl.OkAsync("get", "flowschema", "service-accounts", "-o", "jsonpath={.metadata.uid}");
        var levelUid = await fx.Kubectl.OkAsync("get", "prioritylevelconfiguration", "workload-low", "-o", "jsonpath={.metadata.uid}");

        using var flood = ApiClient.Create(fx.Server, floodToken);
        using var stop = new CancellationTokenSource();
        var codes = new ConcurrentDictionary<HttpStatusCode, int>();
        var rejected = new ConcurrentBag<(string? RetryAfter, string Body, string? SchemaUid, string? LevelUid)>();
        var workers = Enumerable.Range(0, 48).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await flood.GetAsync($"/api/v1/namespaces/{ns}/serviceaccounts", stop.Token);
                    codes.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests && rejected.Count < 5)
                    {
                        rejected.Add((response.Headers.RetryAfter?.ToString(), await response.Content.ReadAsStringAsync(stop.Token),
                            Header(response, "X-Kubernetes-PF-FlowSchema-UID"), Header(response, "X-Kubernetes-PF-PriorityLevel-UID")));
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }
        })).ToList();

        try
        {
            await Eventually.UntilAsync(() => Task.FromResult(codes.GetValueOrDefault(HttpStatusCode.TooManyRequests)), n => n >= 20, "the flood gets 429s");
            // Meanwhile another ServiceAccount's kubectl (a different flow of the same level) gets its answers.
            for (var i = 0; i < 3; i++)
            {
                var other = await fx.Kubectl.RunAsync("get", "serviceaccounts", "-n", ns, "--token", otherToken);
                Assert.True(other.ExitCode == 0, other.ToString());
                Assert.Contains("flood", other.Stdout);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        Assert.True(codes.GetValueOrDefault(HttpStatusCode.OK) > 0, $"the flood was served too: {string.Join(", ", codes)}");
        var (retryAfter, body, uid, plUid) = rejected.First();
        Assert.Equal("1", retryAfter);
        Assert.Equal("Too many requests, please try again later.\n", body);
        Assert.Equal((schemaUid, levelUid), (uid, plUid));

        var metrics = await fx.Kubectl.OkAsync("get", "--raw", "/metrics");
        Assert.Contains("apiserver_flowcontrol_rejected_requests_total{flow_schema=\"service-accounts\",priority_level=\"workload-low\",reason=\"queue-full\"}", metrics);
        Assert.Contains("apiserver_flowcontrol_nominal_limit_seats{priority_level=\"workload-low\"} 2", metrics);
        // workload-low may lend all of its 2 (90%, rounded) and borrow up to the server's 3 more; where it stands in between
        // depends on every level's demand (the agent's own requests load system), which SeatBorrowingTests pin down.
        Assert.Contains("apiserver_flowcontrol_lower_limit_seats{priority_level=\"workload-low\"} 0", metrics);
        Assert.Contains("apiserver_flowcontrol_upper_limit_seats{priority_level=\"workload-low\"} 5", metrics);
        Assert.InRange(Limit(metrics, "current", "workload-low"), 0, 5);
    }

    private static int Limit(string metrics, string which, string level)
    {
        var prefix = $"apiserver_flowcontrol_{which}_limit_seats{{priority_level=\"{level}\"}} ";
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? -1 : int.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
