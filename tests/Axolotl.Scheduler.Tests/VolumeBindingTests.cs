using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Storage;
using Axolotl.Scheduler.Framework;
using Axolotl.Scheduler.Plugins;

namespace Axolotl.Scheduler.Tests;

public sealed class VolumeBindingTests
{
    private readonly Lookup _lookup = new();

    private sealed class Lookup : IVolumeLookup
    {
        public Dictionary<string, PersistentVolumeClaim> Claims { get; } = [];
        public Dictionary<string, PersistentVolume> Volumes { get; } = [];
        public Dictionary<string, StorageClass> Classes { get; } = [];

        public PersistentVolumeClaim? Claim(string ns, string name) => Claims.GetValueOrDefault(name);

        public PersistentVolume? Volume(string name) => Volumes.GetValueOrDefault(name);

        public StorageClass? Class(string name) => Classes.GetValueOrDefault(name);
    }

    private static Pod PodWithClaim(string claim)
    {
        var pod = Build.Pod("p");
        pod.Spec!.Volumes = [new Volume { Name = "data", PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = claim } }];
        return pod;
    }

    private static PersistentVolumeClaim Claim(string name, string? className, string? volume = null) => new()
    {
        Metadata = new() { Name = name, Namespace = "default" },
        Spec = new PersistentVolumeClaimSpec
        {
            StorageClassName = className,
            VolumeName = volume,
            Resources = new VolumeResourceRequirements { Requests = new() { ["storage"] = Quantity.Parse("1Gi") } },
        },
    };

    private void WaitForFirstConsumer() =>
        _lookup.Classes["local-path"] = new StorageClass { Metadata = new() { Name = "local-path" }, Provisioner = LocalPath.Provisioner, VolumeBindingMode = "WaitForFirstConsumer" };

    [Fact]
    public void A_pod_whose_claim_does_not_exist_fits_no_node_with_kube_schedulers_message()
    {
        var algorithm = SchedulingAlgorithm.CreateDefault(new VolumeBinding(_lookup));

        var result = algorithm.Schedule(PodWithClaim("missing"), [Build.Info(Build.Node("n1")), Build.Info(Build.Node("n2"))]);

        Assert.Null(result.NodeName);
        Assert.Equal("0/2 nodes are available: persistentvolumeclaim \"missing\" not found. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
            result.FailureMessage);
    }

    [Fact]
    public void An_unbound_immediate_claim_blocks_the_pod_and_a_delayed_one_does_not()
    {
        var binding = new VolumeBinding(_lookup);
        _lookup.Claims["now"] = Claim("now", "");
        Assert.Equal(["pod has unbound immediate PersistentVolumeClaims"], binding.PreFilter(PodWithClaim("now")).Reasons);

        WaitForFirstConsumer();
        _lookup.Claims["later"] = Claim("later", "local-path");
        Assert.True(binding.PreFilter(PodWithClaim("later")).IsSuccess);
        Assert.Single(binding.UnboundDelayedClaims(PodWithClaim("later")));
    }

    [Fact]
    public void A_bound_claim_sends_the_pod_where_its_volume_is()
    {
        WaitForFirstConsumer();
        _lookup.Claims["data"] = Claim("data", "local-path", volume: "pvc-1");
        _lookup.Volumes["pvc-1"] = new PersistentVolume
        {
            Metadata = new() { Name = "pvc-1" },
            Spec = new PersistentVolumeSpec
            {
                NodeAffinity = new VolumeNodeAffinity
                {
                    Required = new NodeSelector
                    {
                        NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = WellKnown.LabelHostname, Operator = "In", Values = ["n2"] }] }],
                    },
                },
            },
        };
        var n1 = Build.Node("n1");
        n1.Metadata.Labels = new() { [WellKnown.LabelHostname] = "n1" };
        var n2 = Build.Node("n2");
        n2.Metadata.Labels = new() { [WellKnown.LabelHostname] = "n2" };
        var algorithm = SchedulingAlgorithm.CreateDefault(new VolumeBinding(_lookup));

        Assert.Equal("n2", algorithm.Schedule(PodWithClaim("data"), [Build.Info(n1), Build.Info(n2)]).NodeName);

        var result = algorithm.Schedule(PodWithClaim("data"), [Build.Info(n1)]);
        Assert.Equal("0/1 nodes are available: 1 node(s) had volume node affinity conflict. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            result.FailureMessage);
    }

    [Fact]
    public void A_claim_given_a_node_keeps_the_pod_to_that_node_and_a_deleting_claim_blocks_it()
    {
        WaitForFirstConsumer();
        var claim = Claim("data", "local-path");
        claim.Metadata.Annotations = new() { [VolumeAnnotations.SelectedNode] = "n2" };
        _lookup.Claims["data"] = claim;
        var binding = new VolumeBinding(_lookup);

        Assert.False(binding.Filter(PodWithClaim("data"), Build.Info(Build.Node("n1"))).IsSuccess);
        Assert.True(binding.Filter(PodWithClaim("data"), Build.Info(Build.Node("n2"))).IsSuccess);

        claim.Metadata.DeletionTimestamp = DateTimeOffset.UnixEpoch;
        Assert.Equal(["persistentvolumeclaim \"data\" is being deleted"], binding.PreFilter(PodWithClaim("data")).Reasons);
    }
}
