using System.ComponentModel;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Core;

/// <summary>core/v1 ServiceAccount.</summary>
[Description("An identity for processes running in pods.")]
public sealed class ServiceAccount : KubeObject
{
    [Description("Secrets pods of this service account may use (legacy token secrets).")]
    [PatchMergeKey("name")]
    [PatchStrategy("merge")]
    public List<ObjectReference>? Secrets { get; set; }

    [Description("Image pull secrets added to pods that use this service account.")]
    public List<LocalObjectReference>? ImagePullSecrets { get; set; }

    [Description("Whether pods of this service account get an API token mounted automatically.")]
    public bool? AutomountServiceAccountToken { get; set; }
}
