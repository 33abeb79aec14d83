using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axolotl.Bench.Infrastructure;

namespace Axolotl.Bench.Scenarios.Workloads;

/// <summary>
/// Deployments and nodes over the wire, as kubectl would change them: a Deployment of busybox
/// sleepers, a template image change (what `kubectl set image` does), cordon/uncordon and deletes.
/// Changes are read-modify-write PUTs retried on 409, since the bench client speaks plain JSON only.
/// </summary>
internal static class WorkloadApi
{
    public const string Namespace = "default";
    public const string DeploymentsPath = $"/apis/apps/v1/namespaces/{Namespace}/deployments";

    /// <summary>A Deployment whose pods (label app=<paramref name="name"/>) run `sleep 3600` from <paramref name="image"/> with a 1 s grace period.</summary>
    public static byte[] Deployment(string name, int replicas, string image) =>
        Encoding.UTF8.GetBytes($$$$$"""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"{{{{{name}}}}}","namespace":"{{{{{Namespace}}}}}"},
            "spec":{"replicas":{{{{{replicas}}}}},"selector":{"matchLabels":{"app":"{{{{{name}}}}}"}},
            "template":{"metadata":{"labels":{"app":"{{{{{name}}}}}"}},
            "spec":{"terminationGracePeriodSeconds":1,"containers":[{"name":"c","image":"{{{{{image}}}}}","command":["sleep","3600"]}]}}}}
            """.ReplaceLineEndings(""));

    public static Task CreateDeploymentAsync(ApiClient api, string name, int replicas, string image, CancellationToken ct) =>
        api.CreateAsync(DeploymentsPath, Deployment(name, replicas, image), ct);

    /// <summary>Sets the image of the template's container (what `kubectl set image deployment/NAME c=IMAGE` changes).</summary>
    public static Task SetImageAsync(ApiClient api, string name, string image, CancellationToken ct) =>
        UpdateAsync(api, $"{DeploymentsPath}/{name}", d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = image, ct);

    /// <summary>Replaces the readiness probe of the template's first container (a rollout).</summary>
    public static Task SetReadinessProbeAsync(ApiClient api, string name, JsonObject probe, CancellationToken ct) =>
        UpdateAsync(api, $"{DeploymentsPath}/{name}", d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["readinessProbe"] = probe, ct);

    /// <summary>Sets spec.unschedulable, as `kubectl cordon` / `uncordon` do.</summary>
    public static Task SetUnschedulableAsync(ApiClient api, string node, bool unschedulable, CancellationToken ct) =>
        UpdateAsync(api, $"/api/v1/nodes/{node}", n =>
        {
            var spec = n["spec"] as JsonObject ?? [];
            spec["unschedulable"] = unschedulable;
            n["spec"] = spec;
        }, ct);

    /// <summary>Deletes a Deployment and lets the garbage collector remove its ReplicaSets and pods.</summary>
    public static Task DeleteDeploymentAsync(ApiClient api, string name, CancellationToken ct) =>
        DeleteAsync(api, $"{DeploymentsPath}/{name}?propagationPolicy=Background", ct);

    /// <summary>
    /// Cleanup: deletes the Deployment and waits (at most 20 s, never throwing) until its pods are gone, so
    /// that the node server's own pod cleanup does not race a ReplicaSet recreating them.
    /// </summary>
    public static async Task DeleteDeploymentAndWaitAsync(ApiClient api, PodSetWatch watch, string app)
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await DeleteDeploymentAsync(api, app, cleanup.Token);
            await watch.WaitAsync(pods => pods.All(p => p.App != app), TimeSpan.FromSeconds(20), $"pods of {app} gone", cleanup.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or HttpRequestException or InvalidOperationException)
        {
            // The node server's disposal deletes whatever is left.
        }
    }

    /// <summary>DELETE that accepts 200 or 202 (the object is gone, or has a deletion timestamp).</summary>
    public static async Task DeleteAsync(ApiClient api, string path, CancellationToken ct)
    {
        try
        {
            await api.SendAsync(HttpMethod.Delete, path, null, null, HttpStatusCode.OK, ct);
        }
        catch (HttpRequestException e) when (e.Message.Contains("got 202", StringComparison.Ordinal))
        {
            // Accepted: removed once its finalizers or the agent are done.
        }
    }

    /// <summary>The Ready condition's status of a node ("True", "False", "Unknown"), or null before the agent posted one.</summary>
    public static async Task<string?> NodeReadyAsync(ApiClient api, string node, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await api.GetAsync($"/api/v1/nodes/{node}", ct));
        if (!doc.RootElement.TryGetProperty("status", out var status) || !status.TryGetProperty("conditions", out var conditions))
        {
            return null;
        }
        return conditions.EnumerateArray().Where(c => c.GetProperty("type").GetString() == "Ready").Select(c => c.GetProperty("status").GetString()).FirstOrDefault();
    }

    private static async Task UpdateAsync(ApiClient api, string path, Action<JsonNode> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = JsonNode.Parse(await api.GetAsync(path, ct)) ?? throw new InvalidOperationException($"GET {path}: empty body");
            change(current);
            try
            {
                await api.SendAsync(HttpMethod.Put, path, Encoding.UTF8.GetBytes(current.ToJsonString()), null, HttpStatusCode.OK, ct);
                return;
            }
            catch (HttpRequestException e) when (attempt < 10 && e.Message.Contains("got 409", StringComparison.Ordinal))
            {
                // Someone (the controllers, the agent) wrote it meanwhile: read it again.
            }
        }
    }
}
