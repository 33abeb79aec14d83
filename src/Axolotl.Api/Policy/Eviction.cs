using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Policy;

/// <summary>policy/v1 Eviction, posted to pods/{name}/eviction.</summary>
[Description("A request to evict a pod, honouring PodDisruptionBudgets; posted to the pod's eviction subresource.")]
public sealed class Eviction : KubeObject
{
    [Description("Options for the deletion that the eviction performs.")]
    public DeleteOptions? DeleteOptions { get; set; }
}
