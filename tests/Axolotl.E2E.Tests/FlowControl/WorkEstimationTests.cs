using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.FlowControl;

/// <summary>
/// Upstream's work estimation, seen with the real kubectl: with 350 ConfigMaps stored, a ServiceAccount's
/// `kubectl get configmaps` is priced at 4 seats (one per 100 objects) in its level, workload-low, and a `kubectl get`
/// of one ConfigMap at one, as /metrics' apiserver_flowcontrol_work_estimated_seats shows; the seats its
/// requests hold are published as apiserver_flowcontrol_current_executing_seats.
/// </summary>
public sealed class WorkEstimationTests(WorkEstimationFixture fx) : IClassFixture<WorkEstimationFixture>
{
    [Fact]
    public async Task A_list_of_many_objects_is_priced_at_a_seat_per_hundred_and_a_get_at_one()
    {
        var ns = await fx.NewNamespaceAsync("wide");
        await fx.Kubectl.OkAsync("create", "serviceaccount", "lister", "-n", ns);
        await fx.Kubectl.OkAsync("create", "rolebinding", "lister", "-n", ns, "--clusterrole", "view", $"--serviceaccount={ns}:lister");
        var token = (await fx.Kubectl.OkAsync("create", "token", "lister", "-n", ns)).Trim();
        using (var admin = ApiClient.Create(fx.Server))
        {
            for (var i = 0; i < 350; i++)
            {
                using var created = await admin.PostAsJsonAsync($"/api/v1/namespaces/{ns}/configmaps",
                    new JsonObject { ["metadata"] = new JsonObject { ["name"] = $"cm-{i}" }, ["data"] = new JsonObject { ["k"] = "v" } });
                Assert.True(created.IsSuccessStatusCode, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            }
        }

        Assert.Contains("cm-0", await fx.Kubectl.OkAsync("get", "configmap", "cm-0", "-n", ns, "--token", token));
        var metrics = await fx.Kubectl.OkAsync("get", "--raw", "/metrics");
        Assert.True(Bucket(metrics, "1") >= 1, metrics);

        // The server counts every second: list until a LIST is priced by the 350 (and the few other ConfigMaps).
        metrics = await Eventually.UntilAsync(async () =>
        {
            Assert.Contains("cm-349", await fx.Kubectl.OkAsync("get", "configmaps", "-n", ns, "--token", token));
            return await fx.Kubectl.OkAsync("get", "--raw", "/metrics");
        }, m => Bucket(m, "4") > Bucket(m, "2"), "a LIST of 350 ConfigMaps priced at 3 or 4 seats");

        Assert.Equal(Bucket(metrics, "4"), Bucket(metrics, "100"));
        Assert.Contains("apiserver_flowcontrol_current_executing_seats{", metrics);
    }

    // Requests of the service-accounts schema (level workload-low) priced at no more than `le` seats.
    private static long Bucket(string metrics, string le) => metrics.Split('\n')
        .Where(l => l.StartsWith("apiserver_flowcontrol_work_estimated_seats_bucket{", StringComparison.Ordinal) &&
                    l.Contains("flow_schema=\"service-accounts\"", StringComparison.Ordinal) && l.Contains($"le=\"{le}\"", StringComparison.Ordinal))
        .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
        .Sum();
}
