using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

/// <summary>core/v1 Pod.</summary>
[Description("A pod: one or more containers that are scheduled together onto a node and share its network and volumes.")]
public sealed class Pod : KubeObject<PodSpec, PodStatus>
{
}
