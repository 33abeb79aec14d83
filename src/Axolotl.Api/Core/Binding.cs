using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

/// <summary>core/v1 Binding, posted to pods/binding by the scheduler.</summary>
[Description("Binds a pod to a node; the scheduler posts it to the pod's binding subresource.")]
public sealed class Binding : KubeObject
{
    [Description("The node to bind to (kind Node, name).")]
    public ObjectReference Target { get; set => field = value ?? new(); } = new();
}
