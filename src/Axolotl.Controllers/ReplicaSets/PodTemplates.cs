using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;

namespace Axolotl.Controllers.ReplicaSets;

/// <summary>Stamps pods out of a controller's template (upstream GetPodFromTemplate).</summary>
internal static class PodTemplates
{
    /// <summary>The longest name generateName may start from (a DNS subdomain).</summary>
    private const int MaxNameLength = 253;

    /// <summary>
    /// A pod named <c>&lt;owner&gt;-&lt;random&gt;</c> (generateName, completed by the API server) with the
    /// template's labels, annotations, finalizers and spec, controlled by <paramref name="controllerRef"/>.
    /// </summary>
    public static Pod NewPod(PodTemplateSpec template, KubeObject owner, OwnerReference controllerRef)
    {
        var copy = template.DeepCopy();
        return new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta
            {
                Namespace = owner.Metadata.Namespace,
                GenerateName = Prefix(owner.Metadata.Name ?? ""),
                Labels = copy.Metadata.Labels,
                Annotations = copy.Metadata.Annotations,
                Finalizers = copy.Metadata.Finalizers,
                OwnerReferences = [controllerRef],
            },
            Spec = copy.Spec,
        };
    }

    /// <summary>"&lt;name&gt;-", or the bare name when the dash would make it too long to be a valid prefix.</summary>
    public static string Prefix(string ownerName) => ownerName.Length + 1 > MaxNameLength ? ownerName : ownerName + "-";
}
