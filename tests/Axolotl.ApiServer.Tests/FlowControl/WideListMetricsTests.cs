using System.Text;
using Axolotl.ApiServer.Hosting;
using Axolotl.ApiServer.Security;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.FlowControl;

/// <summary>
/// Over the real HTTP API on a server with kube-apiserver's 600 seats: once the server has counted 350 ConfigMaps, a
/// user's LIST of them is priced at 4 seats (one per 100 objects), as /metrics' apiserver_flowcontrol_work_estimated_seats
/// shows, while a GET costs one.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WideListMetricsTests : IAsyncLifetime
{
    private const int ConfigMaps = 350;
    private InProcessCluster _cluster = null!;
    private HttpClient _admin = null!;
    private HttpClient _alice = null!;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync(o => o with { ObjectCountPollPeriod = TimeSpan.FromMilliseconds(200) });
        _admin = _cluster.CreateHttpClient();
        var certificate = Pki.IssueClientCertificate(_cluster.Host.Pki.Ca, "alice", [], TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(1));
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, ClientCertificates = { certificate } };
        _alice = new HttpClient(handler) { BaseAddress = _cluster.Host.LoopbackUrl, Timeout = TimeSpan.FromSeconds(30) };
        await PostAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"wide"}}""");
        await PostAsync("/apis/rbac.authorization.k8s.io/v1/clusterroles", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"configmap-reader"},
             "rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list"]}]}
            """);
        await PostAsync("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"alice-reads-configmaps"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"configmap-reader"},
             "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"alice"}]}
            """);
        for (var i = 0; i < ConfigMaps; i++)
        {
            await PostAsync("/api/v1/namespaces/wide/configmaps", $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-{{{i}}}"},"data":{"k":"v"}}""");
        }
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _admin.Dispose();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_users_list_of_350_configmaps_is_priced_at_four_seats_and_a_get_at_one()
    {
        using (var get = await _alice.GetAsync("/api/v1/namespaces/wide/configmaps/cm-0"))
        {
            Assert.Equal(200, (int)get.StatusCode);
        }
        var metrics = await MetricsAsync();
        Assert.Equal(1, Bucket(metrics, "1"));

        // The count is renewed every 200 ms here: list until a LIST is priced by it.
        await Eventually.TrueAsync(async () =>
        {
            using var list = await _alice.GetAsync("/api/v1/namespaces/wide/configmaps");
            Assert.Equal(200, (int)list.StatusCode);
            metrics = await MetricsAsync();
            return Bucket(metrics, "4") > Bucket(metrics, "2");
        }, "a LIST of 350 ConfigMaps estimated at 3 or 4 seats", () => metrics);

        Assert.Equal(Bucket(metrics, "4"), Bucket(metrics, "100"));
        Assert.Contains("apiserver_flowcontrol_current_executing_seats{", metrics);
        Assert.Contains("apiserver_flowcontrol_current_inqueue_seats{", metrics);
    }

    // Requests by the global-default schema (alice's) estimated at no more than `le` seats.
    private static long Bucket(string metrics, string le) => metrics.Split('\n')
        .Where(l => l.StartsWith("apiserver_flowcontrol_work_estimated_seats_bucket{", StringComparison.Ordinal) &&
                    l.Contains("flow_schema=\"global-default\"", StringComparison.Ordinal) && l.Contains($"le=\"{le}\"", StringComparison.Ordinal))
        .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
        .Sum();

    private async Task<string> MetricsAsync() => await _admin.GetStringAsync("/metrics");

    private async Task PostAsync(string path, string json)
    {
        using var response = await _admin.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
