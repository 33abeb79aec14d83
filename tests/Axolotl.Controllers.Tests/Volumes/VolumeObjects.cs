using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;
using Axolotl.Api.Storage;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.Volumes;

internal static class VolumeObjects
{
    public static PersistentVolumeClaim Claim(string name, string size, string? className, params string[] modes) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = new() { Name = name, Namespace = "ns", Finalizers = [VolumeAnnotations.ClaimProtectionFinalizer] },
        Spec = new PersistentVolumeClaimSpec
        {
            AccessModes = modes.Length == 0 ? ["ReadWriteOnce"] : [.. modes],
            Resources = new VolumeResourceRequirements { Requests = new() { ["storage"] = Quantity.Parse(size) } },
            StorageClassName = className,
            VolumeMode = "Filesystem",
        },
        Status = new PersistentVolumeClaimStatus { Phase = "Pending" },
    };

    public static PersistentVolume Volume(string name, string size, string className, string phase = "Available", string policy = "Retain", params string[] modes) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolume",
        Metadata = new() { Name = name, Finalizers = [VolumeAnnotations.VolumeProtectionFinalizer] },
        Spec = new PersistentVolumeSpec
        {
            Capacity = new() { ["storage"] = Quantity.Parse(size) },
            AccessModes = modes.Length == 0 ? ["ReadWriteOnce"] : [.. modes],
            HostPath = new HostPathVolumeSource { Path = "/srv/" + name, Type = "" },
            StorageClassName = className,
            PersistentVolumeReclaimPolicy = policy,
            VolumeMode = "Filesystem",
        },
        Status = new PersistentVolumeStatus { Phase = phase },
    };

    public static StorageClass LocalPathClass() => new()
    {
        Metadata = new() { Name = LocalPath.ClassName },
        Provisioner = LocalPath.Provisioner,
        ReclaimPolicy = "Delete",
        VolumeBindingMode = "WaitForFirstConsumer",
    };

    public static Node Node(string name, string disk) => new()
    {
        Metadata = new()
        {
            Name = name,
            Labels = new() { [WellKnown.LabelHostname] = name },
            Annotations = new() { [LocalPath.RootAnnotation] = $"/var/lib/axolotl/{name}/storage" },
        },
        Status = new NodeStatus { Allocatable = new() { ["ephemeral-storage"] = Quantity.Parse(disk) } },
    };

    public static Pod PodUsing(string claim, string? node, string phase = "Running") =>
        PodBuilder.Named("user-" + claim, "ns").OnNode(node).WithContainer("c", "busybox").WithClaimVolume("data", claim).InPhase(phase).Build();
}
