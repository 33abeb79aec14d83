using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Scheduler.Framework;
using Axolotl.Testing;

namespace Axolotl.Scheduler.Tests;

/// <summary>Small builders for pods and nodes in scheduler tests.</summary>
internal static class Build
{
    public static Pod Pod(string name, string? cpu = null, string? memory = null, string ns = "default") =>
        PodBuilder.Named(name, ns).WithUid().WithContainer("app", "busybox").Requesting(cpu, memory).Build();

    public static ResourceRequirements? Requests(string? cpu, string? memory)
    {
        var requests = new Dictionary<string, Quantity>();
        if (cpu is not null)
        {
            requests["cpu"] = Quantity.Parse(cpu);
        }
        if (memory is not null)
        {
            requests["memory"] = Quantity.Parse(memory);
        }
        return requests.Count == 0 ? null : new ResourceRequirements { Requests = requests };
    }

    public static Node Node(string name, string cpu = "2", string memory = "4Gi", string pods = "110", bool ready = true)
    {
        return new Node
        {
            Metadata = new ObjectMeta { Name = name, Uid = "uid-" + name, Labels = new() { ["kubernetes.io/hostname"] = name } },
            Spec = new NodeSpec(),
            Status = new NodeStatus
            {
                Allocatable = new() { ["cpu"] = Quantity.Parse(cpu), ["memory"] = Quantity.Parse(memory), ["pods"] = Quantity.Parse(pods) },
                Conditions = [new NodeCondition { Type = "Ready", Status = ready ? "True" : "False" }],
            },
        };
    }

    public static NodeInfo Info(Node node, params Pod[] pods)
    {
        var info = new NodeInfo(node);
        foreach (var pod in pods)
        {
            pod.Spec!.NodeName = node.Metadata.Name;
            info.AddPod(pod);
        }
        return info;
    }

    public static Pod WithHostPort(this Pod pod, int port, string? protocol = null, string? hostIp = null)
    {
        pod.Spec!.Containers[0].Ports = [new ContainerPort { ContainerPortNumber = port, HostPort = port, Protocol = protocol, HostIP = hostIp }];
        return pod;
    }

    public static Pod Tolerating(this Pod pod, string? key, string? op, string? value, string? effect)
    {
        (pod.Spec!.Tolerations ??= []).Add(new Toleration { Key = key, Operator = op, Value = value, Effect = effect });
        return pod;
    }

    public static Pod OwnedBy(this Pod pod, string ownerUid)
    {
        pod.Metadata.OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "rs", Uid = ownerUid, Controller = true }];
        return pod;
    }

    public static Pod Labeled(this Pod pod, string key, string value)
    {
        (pod.Metadata.Labels ??= [])[key] = value;
        return pod;
    }

    public static Node Labeled(this Node node, string key, string value)
    {
        node.Metadata.Labels![key] = value;
        return node;
    }

    /// <summary>A pod affinity term selecting <c>key=value</c> over <paramref name="topologyKey"/>.</summary>
    public static PodAffinityTerm Term(string key, string value, string topologyKey = "kubernetes.io/hostname") =>
        new() { LabelSelector = new LabelSelector { MatchLabels = new() { [key] = value } }, TopologyKey = topologyKey };

    public static Pod WithAffinity(this Pod pod, params PodAffinityTerm[] required)
    {
        pod.Spec!.Affinity ??= new Affinity();
        (pod.Spec.Affinity.PodAffinity ??= new PodAffinity()).RequiredDuringSchedulingIgnoredDuringExecution = [.. required];
        return pod;
    }

    public static Pod WithAntiAffinity(this Pod pod, params PodAffinityTerm[] required)
    {
        pod.Spec!.Affinity ??= new Affinity();
        (pod.Spec.Affinity.PodAntiAffinity ??= new PodAntiAffinity()).RequiredDuringSchedulingIgnoredDuringExecution = [.. required];
        return pod;
    }

    public static Pod Preferring(this Pod pod, int weight, PodAffinityTerm term, bool anti = false)
    {
        pod.Spec!.Affinity ??= new Affinity();
        var preferred = new WeightedPodAffinityTerm { Weight = weight, PodAffinityTerm = term };
        if (anti)
        {
            ((pod.Spec.Affinity.PodAntiAffinity ??= new PodAntiAffinity()).PreferredDuringSchedulingIgnoredDuringExecution ??= []).Add(preferred);
        }
        else
        {
            ((pod.Spec.Affinity.PodAffinity ??= new PodAffinity()).PreferredDuringSchedulingIgnoredDuringExecution ??= []).Add(preferred);
        }
        return pod;
    }
}
