using Axolotl.Api.Metrics;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// kube-state-metrics' pod families (docs/metrics/workload/pod-metrics.md), labels as it writes them:
/// namespace, pod, uid, container. A reason-labelled family has one series per container holding its
/// current reason (KSM v2 no longer writes the 0-valued ones), so KubePodCrashLooping's
/// kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"} works unchanged.
/// </summary>
internal static class KubeStatePods
{
    private static readonly string[] Phases = ["Pending", "Succeeded", "Failed", "Unknown", "Running"];

    public static void Write(ExpositionWriter w, IReadOnlyList<KubeStatePod> pods)
    {
        w.Family("kube_pod_info", "Information about pod.", MetricType.Gauge);
        foreach (var p in pods)
        {
            w.Sample("kube_pod_info", 1, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "host_ip", p.HostIp, "pod_ip", p.PodIp, "node", p.Node,
                "created_by_kind", p.OwnerKind, "created_by_name", p.OwnerName, "priority_class", p.PriorityClass, "host_network", p.HostNetwork ? "true" : "false");
        }
        w.Family("kube_pod_owner", "Information about the Pod's owner.", MetricType.Gauge);
        foreach (var p in pods)
        {
            w.Sample("kube_pod_owner", 1, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "owner_kind", p.OwnerKind, "owner_name", p.OwnerName, "owner_is_controller", p.OwnerIsController);
        }
        w.Family("kube_pod_created", "Unix creation timestamp", MetricType.Gauge);
        foreach (var p in pods)
        {
            w.Sample("kube_pod_created", p.Created, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid);
        }
        w.Family("kube_pod_status_phase", "The pods current phase.", MetricType.Gauge);
        foreach (var p in pods)
        {
            foreach (var phase in Phases)
            {
                w.Sample("kube_pod_status_phase", p.Phase == phase ? 1 : 0, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "phase", phase);
            }
        }
        w.Family("kube_pod_status_ready", "Describes whether the pod is ready to serve requests.", MetricType.Gauge);
        foreach (var p in pods.Where(p => p.Ready is not null))
        {
            foreach (var condition in (string[])["true", "false", "unknown"])
            {
                w.Sample("kube_pod_status_ready", string.Equals(p.Ready, condition, StringComparison.OrdinalIgnoreCase) ? 1 : 0,
                    "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "condition", condition);
            }
        }
        WriteContainers(w, pods);
    }

    private static void WriteContainers(ExpositionWriter w, IReadOnlyList<KubeStatePod> pods)
    {
        var containers = pods.SelectMany(p => p.Containers.Select(c => (Pod: p, Container: c))).ToList();
        w.Family("kube_pod_container_info", "Information about a container in a pod.", MetricType.Gauge);
        foreach (var (p, c) in containers)
        {
            w.Sample("kube_pod_container_info", 1, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "container", c.Name,
                "image_spec", c.ImageSpec, "image", c.Image, "image_id", c.ImageId, "container_id", c.ContainerId);
        }
        Each(w, containers, "kube_pod_container_status_restarts_total", "The number of container restarts per container.", MetricType.Counter, c => c.Restarts);
        Each(w, containers, "kube_pod_container_status_ready", "Describes whether the containers readiness check succeeded.", MetricType.Gauge, c => c.Ready ? 1 : 0);
        Each(w, containers, "kube_pod_container_status_running", "Describes whether the container is currently in running state.", MetricType.Gauge, c => c.State == "running" ? 1 : 0);
        Each(w, containers, "kube_pod_container_status_waiting", "Describes whether the container is currently in waiting state.", MetricType.Gauge, c => c.State == "waiting" ? 1 : 0);
        Each(w, containers, "kube_pod_container_status_terminated", "Describes whether the container is currently in terminated state.", MetricType.Gauge, c => c.State == "terminated" ? 1 : 0);
        Reason(w, containers, "kube_pod_container_status_waiting_reason", "Describes the reason the container is currently in waiting state.",
            c => c.State == "waiting" ? c.StateReason : null);
        Reason(w, containers, "kube_pod_container_status_terminated_reason", "Describes the reason the container is currently in terminated state.",
            c => c.State == "terminated" ? c.StateReason : null);
        Reason(w, containers, "kube_pod_container_status_last_terminated_reason", "Describes the last reason the container was in terminated state.",
            c => c.LastTerminatedReason);
        w.Family("kube_pod_container_status_last_terminated_exitcode", "Describes the exit code for the last container in terminated state.", MetricType.Gauge);
        foreach (var (p, c) in containers.Where(x => x.Container.LastExitCode is not null))
        {
            w.Sample("kube_pod_container_status_last_terminated_exitcode", c.LastExitCode!.Value, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "container", c.Name);
        }
    }

    private static void Each(ExpositionWriter w, List<(KubeStatePod Pod, KubeStateContainer Container)> containers, string name, string help, MetricType type,
        Func<KubeStateContainer, double> value)
    {
        w.Family(name, help, type);
        foreach (var (p, c) in containers)
        {
            w.Sample(name, value(c), "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "container", c.Name);
        }
    }

    private static void Reason(ExpositionWriter w, List<(KubeStatePod Pod, KubeStateContainer Container)> containers, string name, string help,
        Func<KubeStateContainer, string?> reason)
    {
        w.Family(name, help, MetricType.Gauge);
        foreach (var (p, c) in containers)
        {
            if (reason(c) is { Length: > 0 } r)
            {
                w.Sample(name, 1, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "container", c.Name, "reason", r);
            }
        }
    }
}
