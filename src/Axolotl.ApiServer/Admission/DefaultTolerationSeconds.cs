using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;

namespace Axolotl.ApiServer.Admission;

/// <summary>
/// Upstream's DefaultTolerationSeconds admission plugin: a pod that does not already tolerate the
/// node.kubernetes.io/not-ready or unreachable NoExecute taints gets a toleration for each, limited to
/// a number of seconds (300 by default, the kube-apiserver flags --default-not-ready-toleration-seconds
/// and --default-unreachable-toleration-seconds), so its pods leave a failed node after five minutes.
/// </summary>
public sealed record DefaultTolerationSeconds(long NotReadySeconds = DefaultTolerationSeconds.DefaultSeconds, long UnreachableSeconds = DefaultTolerationSeconds.DefaultSeconds)
    : IMutatingAdmissionPlugin
{
    public const long DefaultSeconds = 300;

    public string Name => "DefaultTolerationSeconds";

    public bool Handles(AdmissionAttributes attributes) =>
        attributes.Operation == AdmissionOperation.Create && attributes.Subresource is null && attributes.Type == KnownResources.Pods;

    public Task AdmitAsync(AdmissionAttributes attributes, KubeObject obj, CancellationToken ct)
    {
        if (Handles(attributes) && obj is Pod pod)
        {
            Apply(pod);
        }
        return Task.CompletedTask;
    }

    public void Apply(Pod pod)
    {
        var spec = pod.Spec ??= new PodSpec();
        var tolerations = spec.Tolerations ?? [];
        var added = false;
        if (!ToleratesNoExecute(tolerations, WellKnown.TaintNodeNotReady))
        {
            tolerations.Add(new Toleration { Key = WellKnown.TaintNodeNotReady, Operator = "Exists", Effect = "NoExecute", TolerationSeconds = NotReadySeconds });
            added = true;
        }
        if (!ToleratesNoExecute(tolerations, WellKnown.TaintNodeUnreachable))
        {
            tolerations.Add(new Toleration { Key = WellKnown.TaintNodeUnreachable, Operator = "Exists", Effect = "NoExecute", TolerationSeconds = UnreachableSeconds });
            added = true;
        }
        if (added)
        {
            spec.Tolerations = tolerations;
        }
    }

    /// <summary>Upstream's check: any toleration with this key (or no key) and effect NoExecute (or none).</summary>
    private static bool ToleratesNoExecute(List<Toleration> tolerations, string key) =>
        tolerations.Any(t => (string.IsNullOrEmpty(t.Key) || t.Key == key) && (string.IsNullOrEmpty(t.Effect) || t.Effect == "NoExecute"));
}
