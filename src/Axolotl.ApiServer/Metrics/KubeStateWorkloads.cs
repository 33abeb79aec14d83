using System.Text.Json;
using Axolotl.Api.Metrics;

namespace Axolotl.ApiServer.Metrics;

/// <summary>kube-state-metrics' deployment and node families, as it labels them (namespace + deployment; node).</summary>
internal static class KubeStateWorkloads
{
    public static void WriteDeployments(ExpositionWriter w, IReadOnlyList<ReadOnlyMemory<byte>> items)
    {
        var rows = new List<(string Ns, string Name, long[] Values)>();
        foreach (var json in items)
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var meta = KubeStatePod.Obj(root, "metadata");
            var spec = KubeStatePod.Obj(root, "spec");
            var status = KubeStatePod.Obj(root, "status");
            var desired = spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("replicas", out var r) && r.TryGetInt64(out var n) ? n : 1;
            rows.Add((KubeStatePod.Str(meta, "namespace"), KubeStatePod.Str(meta, "name"),
            [
                desired,
                KubeStatePod.Num(status, "replicas"),
                KubeStatePod.Num(status, "availableReplicas"),
                KubeStatePod.Num(status, "unavailableReplicas"),
                KubeStatePod.Num(status, "updatedReplicas"),
                KubeStatePod.Num(status, "readyReplicas"),
                KubeStatePod.Num(status, "observedGeneration"),
                KubeStatePod.Num(meta, "generation"),
            ]));
        }
        (string Name, string Help)[] families =
        [
            ("kube_deployment_spec_replicas", "Number of desired pods for a deployment."),
            ("kube_deployment_status_replicas", "The number of replicas per deployment."),
            ("kube_deployment_status_replicas_available", "The number of available replicas per deployment."),
            ("kube_deployment_status_replicas_unavailable", "The number of unavailable replicas per deployment."),
            ("kube_deployment_status_replicas_updated", "The number of updated replicas per deployment."),
            ("kube_deployment_status_replicas_ready", "The number of ready replicas per deployment."),
            ("kube_deployment_status_observed_generation", "The generation observed by the deployment controller."),
            ("kube_deployment_metadata_generation", "Sequence number representing a specific generation of the desired state."),
        ];
        for (var i = 0; i < families.Length; i++)
        {
            w.Family(families[i].Name, families[i].Help, MetricType.Gauge);
            foreach (var (ns, name, values) in rows)
            {
                w.Sample(families[i].Name, values[i], "namespace", ns, "deployment", name);
            }
        }
    }

    public static void WriteNodes(ExpositionWriter w, IReadOnlyList<ReadOnlyMemory<byte>> items)
    {
        var nodes = new List<(string Name, bool Unschedulable, string KubeletVersion, string InternalIp, List<(string Type, string Status)> Conditions)>();
        foreach (var json in items)
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var status = KubeStatePod.Obj(root, "status");
            var spec = KubeStatePod.Obj(root, "spec");
            var conditions = KubeStatePod.Arr(status, "conditions").Select(c => (KubeStatePod.Str(c, "type"), KubeStatePod.Str(c, "status"))).ToList();
            var internalIp = KubeStatePod.Arr(status, "addresses").Where(a => KubeStatePod.Str(a, "type") == "InternalIP").Select(a => KubeStatePod.Str(a, "address")).FirstOrDefault() ?? "";
            nodes.Add((KubeStatePod.Str(KubeStatePod.Obj(root, "metadata"), "name"),
                spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("unschedulable", out var u) && u.ValueKind == JsonValueKind.True,
                KubeStatePod.Str(KubeStatePod.Obj(status, "nodeInfo"), "kubeletVersion"), internalIp, conditions));
        }
        w.Family("kube_node_info", "Information about a cluster node.", MetricType.Gauge);
        foreach (var n in nodes)
        {
            w.Sample("kube_node_info", 1, "node", n.Name, "kubelet_version", n.KubeletVersion, "internal_ip", n.InternalIp);
        }
        w.Family("kube_node_spec_unschedulable", "Whether a node can schedule new pods.", MetricType.Gauge);
        foreach (var n in nodes)
        {
            w.Sample("kube_node_spec_unschedulable", n.Unschedulable ? 1 : 0, "node", n.Name);
        }
        w.Family("kube_node_status_condition", "The condition of a cluster node.", MetricType.Gauge);
        foreach (var n in nodes)
        {
            // One condition type once, even if a hostile status lists it twice: the first wins.
            foreach (var (type, status) in n.Conditions.DistinctBy(c => c.Type))
            {
                foreach (var value in (string[])["true", "false", "unknown"])
                {
                    w.Sample("kube_node_status_condition", string.Equals(status, value, StringComparison.OrdinalIgnoreCase) ? 1 : 0,
                        "node", n.Name, "condition", type, "status", value);
                }
            }
        }
    }
}
