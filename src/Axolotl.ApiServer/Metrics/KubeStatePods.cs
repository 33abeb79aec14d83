using System.Globalization;
using Axolotl.Api.Metrics;

namespace Axolotl.ApiServer.Metrics;

/// <summary>
/// kube-state-metrics' pod families (docs/metrics/workload/pod-metrics.md), labels as it writes them:
/// namespace, pod, uid, container. A reason-labelled family has one series per container holding its
/// current reason (KSM v2 no longer writes the 0-valued ones), so KubePodCrashLooping's
/// kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"} works unchanged. Each pod is
/// rendered on its own (<see cref="Render"/>), so that a pod that did not change since the last scrape
/// is written from its cached text (<see cref="KubeStatePodCache"/>), family by family.
/// </summary>
internal static class KubeStatePods
{
    private static readonly string[] Phases = ["Pending", "Succeeded", "Failed", "Unknown", "Running"];

    /// <summary>The families in the order they are written; a rendered pod has one slice of text per family.</summary>
    private static readonly (string Name, string Help, MetricType Type)[] Families =
    [
        ("kube_pod_info", "Information about pod.", MetricType.Gauge),
        ("kube_pod_owner", "Information about the Pod's owner.", MetricType.Gauge),
        ("kube_pod_created", "Unix creation timestamp", MetricType.Gauge),
        ("kube_pod_status_phase", "The pods current phase.", MetricType.Gauge),
        ("kube_pod_status_ready", "Describes whether the pod is ready to serve requests.", MetricType.Gauge),
        ("kube_pod_container_info", "Information about a container in a pod.", MetricType.Gauge),
        ("kube_pod_container_status_restarts_total", "The number of container restarts per container.", MetricType.Counter),
        ("kube_pod_container_status_ready", "Describes whether the containers readiness check succeeded.", MetricType.Gauge),
        ("kube_pod_container_status_running", "Describes whether the container is currently in running state.", MetricType.Gauge),
        ("kube_pod_container_status_waiting", "Describes whether the container is currently in waiting state.", MetricType.Gauge),
        ("kube_pod_container_status_terminated", "Describes whether the container is currently in terminated state.", MetricType.Gauge),
        ("kube_pod_container_status_waiting_reason", "Describes the reason the container is currently in waiting state.", MetricType.Gauge),
        ("kube_pod_container_status_terminated_reason", "Describes the reason the container is currently in terminated state.", MetricType.Gauge),
        ("kube_pod_container_status_last_terminated_reason", "Describes the last reason the container was in terminated state.", MetricType.Gauge),
        ("kube_pod_container_status_last_terminated_exitcode", "Describes the exit code for the last container in terminated state.", MetricType.Gauge),
    ];

    public static void Write(ExpositionWriter w, IReadOnlyList<RenderedPod> pods)
    {
        for (var f = 0; f < Families.Length; f++)
        {
            w.Family(Families[f].Name, Families[f].Help, Families[f].Type);
            foreach (var pod in pods)
            {
                pod.Write(w, f);
            }
        }
    }

    /// <summary>One pod's samples of every family, escaped and formatted once.</summary>
    public static RenderedPod Render(KubeStatePod p)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var w = new ExpositionWriter(text);
        var offsets = new int[Families.Length + 1];
        var samples = new int[Families.Length];
        var f = 0;
        long before = 0;
        void Next()
        {
            text.Flush();
            samples[f] = (int)(w.Samples - before);
            before = w.Samples;
            offsets[++f] = text.GetStringBuilder().Length;
        }

        w.Sample("kube_pod_info", 1, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "host_ip", p.HostIp, "pod_ip", p.PodIp, "node", p.Node,
            "created_by_kind", p.OwnerKind, "created_by_name", p.OwnerName, "priority_class", p.PriorityClass, "host_network", p.HostNetwork ? "true" : "false");
        Next();
        w.Sample("kube_pod_owner", 1, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "owner_kind", p.OwnerKind, "owner_name", p.OwnerName, "owner_is_controller", p.OwnerIsController);
        Next();
        w.Sample("kube_pod_created", p.Created, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid);
        Next();
        foreach (var phase in Phases)
        {
            w.Sample("kube_pod_status_phase", p.Phase == phase ? 1 : 0, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "phase", phase);
        }
        Next();
        if (p.Ready is not null)
        {
            foreach (var condition in (string[])["true", "false", "unknown"])
            {
                w.Sample("kube_pod_status_ready", string.Equals(p.Ready, condition, StringComparison.OrdinalIgnoreCase) ? 1 : 0,
                    "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "condition", condition);
            }
        }
        Next();
        foreach (var c in p.Containers)
        {
            w.Sample("kube_pod_container_info", 1, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "container", c.Name,
                "image_spec", c.ImageSpec, "image", c.Image, "image_id", c.ImageId, "container_id", c.ContainerId);
        }
        Next();
        Each(w, p, "kube_pod_container_status_restarts_total", c => c.Restarts);
        Next();
        Each(w, p, "kube_pod_container_status_ready", c => c.Ready ? 1 : 0);
        Next();
        Each(w, p, "kube_pod_container_status_running", c => c.State == "running" ? 1 : 0);
        Next();
        Each(w, p, "kube_pod_container_status_waiting", c => c.State == "waiting" ? 1 : 0);
        Next();
        Each(w, p, "kube_pod_container_status_terminated", c => c.State == "terminated" ? 1 : 0);
        Next();
        Reason(w, p, "kube_pod_container_status_waiting_reason", c => c.State == "waiting" ? c.StateReason : null);
        Next();
        Reason(w, p, "kube_pod_container_status_terminated_reason", c => c.State == "terminated" ? c.StateReason : null);
        Next();
        Reason(w, p, "kube_pod_container_status_last_terminated_reason", c => c.LastTerminatedReason);
        Next();
        foreach (var c in p.Containers.Where(c => c.LastExitCode is not null))
        {
            w.Sample("kube_pod_container_status_last_terminated_exitcode", c.LastExitCode!.Value, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "container", c.Name);
        }
        Next();
        return new RenderedPod(text.ToString(), offsets, samples);
    }

    private static void Each(ExpositionWriter w, KubeStatePod p, string name, Func<KubeStateContainer, double> value)
    {
        foreach (var c in p.Containers)
        {
            w.Sample(name, value(c), "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "container", c.Name);
        }
    }

    private static void Reason(ExpositionWriter w, KubeStatePod p, string name, Func<KubeStateContainer, string?> reason)
    {
        foreach (var c in p.Containers)
        {
            if (reason(c) is { Length: > 0 } r)
            {
                w.Sample(name, 1, "namespace", p.Namespace, "pod", p.Name, "uid", p.Uid, "container", c.Name, "reason", r);
            }
        }
    }
}

/// <summary>A pod's exposition text, one slice per family (<paramref name="Offsets"/> has one more entry than there are families).</summary>
internal sealed record RenderedPod(string Text, int[] Offsets, int[] Samples)
{
    public void Write(ExpositionWriter w, int family)
    {
        var length = Offsets[family + 1] - Offsets[family];
        if (length > 0)
        {
            w.Raw(Text.AsSpan(Offsets[family], length), Samples[family]);
        }
    }
}
