using Axolotl.Api.Core;
using Axolotl.Api.Storage;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class StorageValidationTests
{
    private const string GoodClaim = """
        {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","namespace":"ns"},
         "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}
        """;

    [Fact]
    public void A_claim_defaults_to_Filesystem_and_Pending_and_validates()
    {
        var claim = Defaulted<PersistentVolumeClaim>(GoodClaim);
        Assert.Equal("Filesystem", claim.Spec!.VolumeMode);
        Assert.Equal("Pending", claim.Status!.Phase);
        Assert.Empty(Errors(claim));
    }

    [Theory]
    [InlineData("\"accessModes\":[],", "spec.accessModes: Required value: at least 1 access mode is required")]
    [InlineData("\"accessModes\":[\"ReadWriteSometimes\"],",
        "spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"")]
    [InlineData("\"accessModes\":[\"ReadWriteOncePod\",\"ReadOnlyMany\"],", "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes")]
    [InlineData("\"accessModes\":[\"ReadWriteOnce\"],\"volumeMode\":\"Raw\",", "spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\"")]
    [InlineData("\"accessModes\":[\"ReadWriteOnce\"],\"storageClassName\":\"Fast_Disk\",",
        "spec.storageClassName: Invalid value: \"Fast_Disk\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    public void Bad_claim_specs_get_upstreams_errors(string fields, string expected)
    {
        var json = GoodClaim.Replace("\"accessModes\":[\"ReadWriteOnce\"],", fields, StringComparison.Ordinal);
        Assert.Contains(expected, Errors<PersistentVolumeClaim>(json));
    }

    [Theory]
    [InlineData("{}", "spec.resources[storage]: Required value")]
    [InlineData("{\"requests\":{\"storage\":\"0\"}}", "spec.resources[storage]: Invalid value: \"0\": must be greater than zero")]
    public void A_claim_must_request_some_storage(string resources, string expected)
    {
        var json = GoodClaim.Replace("{\"requests\":{\"storage\":\"1Gi\"}}", resources, StringComparison.Ordinal);
        Assert.Contains(expected, Errors<PersistentVolumeClaim>(json));
    }

    [Fact]
    public void A_bound_claims_spec_is_immutable_except_its_storage_request_and_volumeName_is_set_once()
    {
        var old = Defaulted<PersistentVolumeClaim>(GoodClaim);
        old.Metadata.ResourceVersion = "1";
        var binding = Defaulted<PersistentVolumeClaim>(GoodClaim);
        binding.Metadata.ResourceVersion = "1";
        binding.Spec!.VolumeName = "pv-1";
        Assert.Empty(Errors(binding, old));

        var bound = Defaulted<PersistentVolumeClaim>(GoodClaim);
        bound.Metadata.ResourceVersion = "1";
        bound.Spec!.VolumeName = "pv-1";
        bound.Status!.Phase = "Bound";
        var grown = Defaulted<PersistentVolumeClaim>(GoodClaim);
        grown.Metadata.ResourceVersion = "1";
        grown.Spec!.VolumeName = "pv-1";
        grown.Status!.Phase = "Bound";
        grown.Spec.Resources!.Requests!["storage"] = Api.Resources.Quantity.Parse("2Gi");
        Assert.Empty(Errors(grown, bound));

        var changed = Defaulted<PersistentVolumeClaim>(GoodClaim);
        changed.Metadata.ResourceVersion = "1";
        changed.Spec!.VolumeName = "pv-1";
        changed.Status!.Phase = "Bound";
        changed.Spec.AccessModes = ["ReadWriteMany"];
        Assert.Contains("spec: Forbidden: spec is immutable after creation except resources.requests for bound claims", Errors(changed, bound));
        var renamed = Defaulted<PersistentVolumeClaim>(GoodClaim);
        renamed.Metadata.ResourceVersion = "1";
        renamed.Spec!.VolumeName = "pv-2";
        Assert.Contains("spec: Forbidden: spec is immutable after creation except resources.requests for bound claims", Errors(renamed, bound));
    }

    [Fact]
    public void A_volume_defaults_to_Retain_and_needs_modes_a_capacity_and_one_source()
    {
        var volume = Defaulted<PersistentVolume>("""{"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv"},"spec":{}}""");
        Assert.Equal("Retain", volume.Spec!.PersistentVolumeReclaimPolicy);
        Assert.Equal("Filesystem", volume.Spec.VolumeMode);
        Assert.Equal("Pending", volume.Status!.Phase);
        var errors = Errors(volume);
        Assert.Contains("spec.accessModes: Required value", errors);
        Assert.Contains("spec.capacity: Required value", errors);
        Assert.Contains("spec: Required value: must specify a volume type", errors);

        var two = Errors<PersistentVolume>("""
            {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv"},
             "spec":{"accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"},"hostPath":{"path":"/a"},"nfs":{"server":"s","path":"/"},
                     "persistentVolumeReclaimPolicy":"Shred"}}
            """);
        Assert.Contains("spec.nfs: Forbidden: may not specify more than 1 volume type", two);
        Assert.Contains("spec.persistentVolumeReclaimPolicy: Unsupported value: \"Shred\": supported values: \"Delete\", \"Recycle\", \"Retain\"", two);

        var local = Errors<PersistentVolume>("""
            {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv"},
             "spec":{"accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi","cpu":"1"},"local":{"path":"/mnt/disk"}}}
            """);
        Assert.Contains("spec.nodeAffinity: Required value: Local volume requires node affinity", local);
        Assert.Contains("spec.capacity: Unsupported value: \"cpu,storage\": supported values: \"storage\"", local);
    }

    [Fact]
    public void A_volumes_source_cannot_change()
    {
        const string json = """
            {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv","resourceVersion":"1"},
             "spec":{"accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"},"hostPath":{"path":"/a"}}}
            """;
        var old = Defaulted<PersistentVolume>(json);
        var moved = Defaulted<PersistentVolume>(json);
        moved.Spec!.HostPath!.Path = "/b";
        Assert.Contains("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation", Errors(moved, old));
    }

    [Fact]
    public void A_storage_class_defaults_and_keeps_its_provisioner_parameters_and_policies()
    {
        var storageClass = Defaulted<StorageClass>("""{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"fast"},"provisioner":"example.com/disk"}""");
        Assert.Equal("Delete", storageClass.ReclaimPolicy);
        Assert.Equal("Immediate", storageClass.VolumeBindingMode);
        Assert.Empty(Errors(storageClass));

        Assert.Contains("provisioner: Required value", Errors<StorageClass>("""{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"x"}}"""));
        Assert.Contains("volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\"",
            Errors<StorageClass>("""{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"x"},"provisioner":"p","volumeBindingMode":"Later"}"""));

        var changed = Defaulted<StorageClass>("""{"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"fast","resourceVersion":"1"},"provisioner":"example.com/other","reclaimPolicy":"Retain"}""");
        storageClass.Metadata.ResourceVersion = "1";
        var errors = Errors(changed, storageClass);
        Assert.Contains("provisioner: Forbidden: updates to provisioner are forbidden.", errors);
        Assert.Contains("reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.", errors);
    }

    [Fact]
    public void Node_selectors_match_labels_and_names_as_upstream()
    {
        var node = new Node { Metadata = new() { Name = "n1", Labels = new() { ["kubernetes.io/hostname"] = "n1", ["disk"] = "ssd" } } };
        static NodeSelector Selector(string key, string op, string value) =>
            new() { NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = key, Operator = op, Values = [value] }] }] };
        Assert.True(NodeSelectorMatch.Matches(Selector("kubernetes.io/hostname", "In", "n1"), node));
        Assert.False(NodeSelectorMatch.Matches(Selector("kubernetes.io/hostname", "In", "n2"), node));
        Assert.False(NodeSelectorMatch.Matches(Selector("disk", "NotIn", "ssd"), node));
        Assert.False(NodeSelectorMatch.Matches(new NodeSelector { NodeSelectorTerms = [new NodeSelectorTerm()] }, node));
        Assert.True(NodeSelectorMatch.Matches(null, node));
    }
}
