using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;

namespace Axolotl.Scheduler;

/// <summary>Binds a pod to a node by POSTing a Binding to the pod's binding subresource (the server sets spec.nodeName and PodScheduled=True).</summary>
public sealed class Binder(KubeClient client)
{
    public async Task BindAsync(Pod pod, string nodeName, CancellationToken ct)
    {
        var binding = new Binding
        {
            ApiVersion = "v1",
            Kind = "Binding",
            Metadata = new ObjectMeta { Name = pod.Metadata.Name, Namespace = pod.Metadata.Namespace, Uid = pod.Metadata.Uid },
            Target = new ObjectReference { ApiVersion = "v1", Kind = "Node", Name = nodeName },
        };
        await client.Resource<Pod>().CreateSubresourceAsync(pod.Metadata.Namespace, pod.Metadata.Name ?? "", "binding", binding, ct);
    }
}
