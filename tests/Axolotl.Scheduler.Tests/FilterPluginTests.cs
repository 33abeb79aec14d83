using Axolotl.Api.Core;
using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Plugins;

namespace Axolotl.Scheduler.Tests;

public sealed class FilterPluginTests
{
    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    public void NodeUnschedulable_rejects_cordoned_nodes_unless_the_pod_tolerates_the_unschedulable_taint(bool cordoned, bool tolerates, bool fits)
    {
        var node = Build.Node("n1");
        node.Spec!.Unschedulable = cordoned;
        var pod = Build.Pod("p");
        if (tolerates)
        {
            pod.Tolerating("node.kubernetes.io/unschedulable", "Exists", null, "NoSchedule");
        }
        var result = new NodeUnschedulable().Filter(pod, Build.Info(node));
        Assert.Equal(fits, result.IsSuccess);
        if (!fits)
        {
            Assert.Equal(FilterCode.UnschedulableAndUnresolvable, result.Code);
            Assert.Equal(["node(s) were unschedulable"], result.Reasons);
        }
    }

    [Theory]
    // taint key, value, effect | toleration key, operator, value, effect | fits
    [InlineData("dedicated", "gpu", "NoSchedule", null, null, null, null, false)]
    [InlineData("dedicated", "gpu", "NoSchedule", "dedicated", "Equal", "gpu", "NoSchedule", true)]
    [InlineData("dedicated", "gpu", "NoSchedule", "dedicated", null, "gpu", null, true)]
    [InlineData("dedicated", "gpu", "NoSchedule", "dedicated", "Equal", "cpu", "NoSchedule", false)]
    [InlineData("dedicated", "gpu", "NoSchedule", "dedicated", "Exists", null, null, true)]
    [InlineData("dedicated", "gpu", "NoSchedule", "dedicated", "Exists", null, "NoExecute", false)]
    [InlineData("dedicated", "gpu", "NoExecute", null, null, null, null, false)]
    [InlineData("dedicated", "gpu", "NoExecute", "", "Exists", null, null, true)]
    [InlineData("dedicated", "gpu", "PreferNoSchedule", null, null, null, null, true)]
    [InlineData("dedicated", "gpu", "NoSchedule", "other", "Exists", null, null, false)]
    public void TaintToleration_matches_key_operator_value_and_effect(string taintKey, string taintValue, string effect,
        string? tolKey, string? tolOp, string? tolValue, string? tolEffect, bool fits)
    {
        var node = Build.Node("n1");
        node.Spec!.Taints = [new Taint { Key = taintKey, Value = taintValue, Effect = effect }];
        var pod = Build.Pod("p");
        if (tolKey is not null || tolOp is not null)
        {
            pod.Tolerating(tolKey, tolOp, tolValue, tolEffect);
        }
        var result = new TaintToleration().Filter(pod, Build.Info(node));
        Assert.Equal(fits, result.IsSuccess);
        if (!fits)
        {
            Assert.Equal([$"node(s) had untolerated taint {{{taintKey}: {taintValue}}}"], result.Reasons);
        }
    }

    [Theory]
    [InlineData("True", null, true, null)]
    [InlineData("False", null, false, "node(s) had untolerated taint {node.kubernetes.io/not-ready: }")]
    [InlineData("Unknown", null, false, "node(s) had untolerated taint {node.kubernetes.io/unreachable: }")]
    [InlineData(null, null, false, "node(s) had untolerated taint {node.kubernetes.io/unreachable: }")]
    [InlineData("False", "node.kubernetes.io/not-ready", true, null)]
    public void NodeReady_treats_a_not_ready_node_as_tainted(string? ready, string? tolerated, bool fits, string? reason)
    {
        var node = Build.Node("n1");
        node.Status!.Conditions = ready is null ? [] : [new NodeCondition { Type = "Ready", Status = ready }];
        var pod = Build.Pod("p");
        if (tolerated is not null)
        {
            pod.Tolerating(tolerated, "Exists", null, "NoSchedule");
        }
        var result = new NodeReady().Filter(pod, Build.Info(node));
        Assert.Equal(fits, result.IsSuccess);
        if (reason is not null)
        {
            Assert.Equal([reason], result.Reasons);
        }
    }

    [Theory]
    [InlineData("disk=ssd", "disk=ssd,zone=a", true)]
    [InlineData("disk=ssd", "disk=hdd", false)]
    [InlineData("disk=ssd,zone=a", "disk=ssd", false)]
    [InlineData("", "disk=ssd", true)]
    public void NodeAffinity_requires_every_nodeSelector_label(string selector, string labels, bool fits)
    {
        var node = Build.Node("n1");
        foreach (var pair in Pairs(labels))
        {
            node.Metadata.Labels![pair.Key] = pair.Value;
        }
        var pod = Build.Pod("p");
        pod.Spec!.NodeSelector = Pairs(selector);
        var result = new Plugins.NodeAffinity().Filter(pod, Build.Info(node));
        Assert.Equal(fits, result.IsSuccess);
        if (!fits)
        {
            Assert.Equal(["node(s) didn't match Pod's node affinity/selector"], result.Reasons);
        }
    }

    [Theory]
    [InlineData("In", "ssd,nvme", true)]
    [InlineData("In", "hdd", false)]
    [InlineData("NotIn", "hdd", true)]
    [InlineData("NotIn", "ssd", false)]
    [InlineData("Exists", "", true)]
    [InlineData("DoesNotExist", "", false)]
    public void NodeAffinity_evaluates_required_match_expressions(string op, string values, bool fits)
    {
        var node = Build.Node("n1");
        node.Metadata.Labels!["disk"] = "ssd";
        var pod = Build.Pod("p");
        pod.Spec!.Affinity = new Affinity
        {
            NodeAffinity = new Api.Core.NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector
                {
                    NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = "disk", Operator = op, Values = values.Length == 0 ? null : [.. values.Split(',')] }] }],
                },
            },
        };
        Assert.Equal(fits, new Plugins.NodeAffinity().Filter(pod, Build.Info(node)).IsSuccess);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("n1", true)]
    [InlineData("n2", false)]
    public void NodeName_fits_only_the_named_node(string? nodeName, bool fits)
    {
        var pod = Build.Pod("p");
        pod.Spec!.NodeName = nodeName;
        var result = new NodeName().Filter(pod, new NodeInfo(Build.Node("n1")));
        Assert.Equal(fits, result.IsSuccess);
    }

    [Theory]
    [InlineData(8080, null, null, 8080, null, null, false)]
    [InlineData(8080, "TCP", null, 8080, "UDP", null, true)]
    [InlineData(8080, null, "10.0.0.1", 8080, null, "10.0.0.2", true)]
    [InlineData(8080, null, "10.0.0.1", 8080, null, null, false)]
    [InlineData(8080, null, null, 9090, null, null, true)]
    public void NodePorts_rejects_a_host_port_already_in_use(int usedPort, string? usedProtocol, string? usedIp, int port, string? protocol, string? ip, bool fits)
    {
        var running = Build.Pod("running").WithHostPort(usedPort, usedProtocol, usedIp);
        var pod = Build.Pod("p").WithHostPort(port, protocol, ip);
        var result = new NodePorts().Filter(pod, Build.Info(Build.Node("n1"), running));
        Assert.Equal(fits, result.IsSuccess);
        if (!fits)
        {
            Assert.Equal(FilterCode.Unschedulable, result.Code);
            Assert.Equal(["node(s) didn't have free ports for the requested pod ports"], result.Reasons);
        }
    }

    [Theory]
    // node cpu, memory, pods | running pod cpu, memory | new pod cpu, memory | reasons
    [InlineData("2", "4Gi", "110", "1", "1Gi", "1", "3Gi", "")]
    [InlineData("2", "4Gi", "110", "1", "1Gi", "1500m", "1Gi", "Insufficient cpu")]
    [InlineData("2", "4Gi", "110", "1", "1Gi", "500m", "3500Mi", "Insufficient memory")]
    [InlineData("2", "4Gi", "110", "1", "1Gi", "2", "4Gi", "Insufficient cpu;Insufficient memory")]
    [InlineData("2", "4Gi", "1", "1", "1Gi", null, null, "Too many pods")]
    [InlineData("2", "4Gi", "1", "1", "1Gi", "8", null, "Too many pods;Insufficient cpu")]
    [InlineData("2", "4Gi", "110", "2", "4Gi", null, null, "")]
    public void NodeResourcesFit_compares_requests_with_allocatable_minus_what_is_already_requested(
        string cpu, string memory, string pods, string usedCpu, string usedMemory, string? podCpu, string? podMemory, string reasons)
    {
        var node = Build.Node("n1", cpu, memory, pods);
        var info = Build.Info(node, Build.Pod("running", usedCpu, usedMemory));
        var result = new NodeResourcesFit().Filter(Build.Pod("p", podCpu, podMemory), info);
        Assert.Equal(reasons.Length == 0 ? [] : reasons.Split(';'), result.Reasons);
        Assert.Equal(reasons.Length == 0 ? FilterCode.Success : FilterCode.Unschedulable, result.Code);
    }

    [Fact]
    public void NodeResourcesFit_counts_init_containers_by_their_maximum_not_their_sum()
    {
        var pod = Build.Pod("p", "1", "1Gi");
        pod.Spec!.InitContainers =
        [
            new Container { Name = "init1", Resources = Build.Requests("2", "1Gi") },
            new Container { Name = "init2", Resources = Build.Requests("1", "3Gi") },
        ];
        Assert.Equal(new ResourceRequest(2000, 3L << 30), ResourceRequest.ForPod(pod));
        var node = Build.Node("n1", "2", "3Gi");
        Assert.True(new NodeResourcesFit().Filter(pod, new NodeInfo(node)).IsSuccess);
        Assert.False(new NodeResourcesFit().Filter(pod, new NodeInfo(Build.Node("n2", "1900m", "3Gi"))).IsSuccess);
    }

    [Fact]
    public void Sidecar_init_containers_add_to_the_app_containers_and_to_later_init_containers()
    {
        var pod = Build.Pod("p", "1", "1Gi");
        pod.Spec!.InitContainers =
        [
            new Container { Name = "sidecar", RestartPolicy = "Always", Resources = Build.Requests("500m", "512Mi") },
            new Container { Name = "migrate", Resources = Build.Requests("2", "256Mi") },
        ];
        // apps + sidecar = 1500m / 1.5Gi; migrate runs next to the sidecar = 2500m / 768Mi.
        Assert.Equal(new ResourceRequest(2500, 1536L << 20), ResourceRequest.ForPod(pod));
    }

    private static Dictionary<string, string> Pairs(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
}
