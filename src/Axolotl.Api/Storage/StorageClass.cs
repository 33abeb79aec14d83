using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Storage;

/// <summary>storage.k8s.io/v1 StorageClass: how volumes of a class are provisioned. Upstream has no spec or status.</summary>
[Description("A class of storage that claims can ask for, and the provisioner that makes its volumes.")]
public sealed class StorageClass : KubeObject
{
    [Description("The provisioner that makes volumes of this class. Immutable.")]
    public string Provisioner { get; set => field = value ?? ""; } = "";

    [Description("Provisioner parameters. Immutable.")]
    public Dictionary<string, string>? Parameters { get; set; }

    [Description("Delete (the default) or Retain, for volumes this class provisions. Immutable.")]
    public string? ReclaimPolicy { get; set; }

    public List<string>? MountOptions { get; set; }

    [Description("Whether claims of this class may be expanded.")]
    public bool? AllowVolumeExpansion { get; set; }

    [Description("Immediate (the default) or WaitForFirstConsumer. Immutable.")]
    public string? VolumeBindingMode { get; set; }

    public List<TopologySelectorTerm>? AllowedTopologies { get; set; }
}
