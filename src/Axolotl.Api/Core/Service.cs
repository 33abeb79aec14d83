using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

/// <summary>core/v1 Service.</summary>
[Description("A stable virtual address and name for a set of pods chosen by a label selector, with load balancing across the ready ones.")]
public sealed class Service : KubeObject<ServiceSpec, ServiceStatus>
{
}
