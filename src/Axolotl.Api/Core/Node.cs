using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

/// <summary>core/v1 Node.</summary>
[Description("A worker machine that runs pods. Its agent reports capacity, conditions and addresses in status.")]
public sealed class Node : KubeObject<NodeSpec, NodeStatus>
{
}
