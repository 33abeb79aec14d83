using System.Text.Json;
using Axolotl.Agent.NetworkPolicies;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Agent.Tests.NetworkPolicies;

/// <summary>The enforcer's informer keeps a slim pod: enough for the same policy view, nothing that grows with the spec.</summary>
public sealed class PolicyPodTests
{
    private static Pod FullPod() => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "web",
            Namespace = "x",
            Uid = "u-1",
            ResourceVersion = "42",
            Labels = new() { ["pod"] = "a" },
            Annotations = new() { ["note"] = "kept by the API only" },
            ManagedFields = JsonDocument.Parse("""[{"manager":"kubectl","operation":"Update","fieldsV1":{"f:spec":{}}}]""").RootElement.Clone(),
        },
        Spec = new PodSpec
        {
            NodeName = "n1",
            InitContainers = [new Container { Name = "init", Image = "busybox" }, new Container { Name = "init-port", Image = "busybox", Ports = [new ContainerPort { Name = "warm", ContainerPortNumber = 9000 }] }],
            Containers = [new Container { Name = "c", Image = "nginx", Command = ["nginx"], Ports = [new ContainerPort { Name = "http", ContainerPortNumber = 80, Protocol = "TCP" }, new ContainerPort { ContainerPortNumber = 53, Protocol = "UDP" }] }],
            Volumes = [new Volume { Name = "v", EmptyDir = new EmptyDirVolumeSource() }],
        },
        Status = new PodStatus { Phase = "Running", PodIP = "10.244.0.7", Conditions = [new PodCondition { Type = "Ready", Status = "True" }] },
    };

    [Fact]
    public void A_slim_pod_gives_the_same_policy_view_as_the_whole_pod()
    {
        var full = FullPod();
        var expected = PolicyPod.From(full)!;

        var actual = PolicyPod.From(PolicyPod.Slim(full))!;

        Assert.Equal((expected.Uid, expected.Namespace, expected.Name, expected.Ip), (actual.Uid, actual.Namespace, actual.Name, actual.Ip));
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Ports, actual.Ports);
        Assert.Equal(3, actual.Ports.Count);
    }

    [Fact]
    public void A_slim_pod_keeps_identity_node_and_phase_and_drops_what_policies_never_read()
    {
        var slim = PolicyPod.Slim(FullPod());

        Assert.Equal(("web", "x", "u-1", "42"), (slim.Metadata.Name, slim.Metadata.Namespace, slim.Metadata.Uid, slim.Metadata.ResourceVersion));
        Assert.Equal("n1", slim.Spec!.NodeName);
        Assert.Equal("Running", slim.Status!.Phase);
        Assert.Null(slim.Metadata.ManagedFields);
        Assert.Null(slim.Metadata.Annotations);
        Assert.Null(slim.Spec.Volumes);
        Assert.Null(slim.Status.Conditions);
        Assert.All(slim.Spec.Containers, c => Assert.Null(c.Command));
        Assert.Equal(["init-port"], slim.Spec.InitContainers!.Select(c => c.Name));
    }

    [Fact]
    public void A_host_network_or_finished_pod_stays_out_of_the_policy_view_when_slim()
    {
        var host = FullPod();
        host.Spec!.HostNetwork = true;
        var done = FullPod();
        done.Status!.Phase = "Succeeded";

        Assert.Null(PolicyPod.From(PolicyPod.Slim(host)));
        Assert.Null(PolicyPod.From(PolicyPod.Slim(done)));
    }
}
