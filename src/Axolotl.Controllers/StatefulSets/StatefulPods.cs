using System.Globalization;
using System.Text.Json;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.Client;
using Axolotl.Controllers.History;
using Axolotl.Controllers.ReplicaSets;

namespace Axolotl.Controllers.StatefulSets;

/// <summary>
/// The identity of a StatefulSet's pods (upstream stateful_set_utils): pod &lt;set&gt;-&lt;ordinal&gt;, its
/// own hostname under the governing Service's subdomain, the pod-name and pod-index labels, the
/// revision it was made from, and one claim &lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt; per volumeClaimTemplate.
/// </summary>
public static class StatefulPods
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";
    public const string RevisionLabel = ControllerHistory.ControllerRevisionHashLabel;

    public static int StartOrdinal(StatefulSet set) => set.Spec?.Ordinals?.Start ?? 0;

    public static int Replicas(StatefulSet set) => set.Spec?.Replicas ?? 1;

    public static string PodName(StatefulSet set, int ordinal) =>
        (set.Metadata.Name ?? "") + "-" + ordinal.ToString(CultureInfo.InvariantCulture);

    public static string ClaimName(PersistentVolumeClaim template, StatefulSet set, int ordinal) =>
        (template.Metadata.Name ?? "") + "-" + PodName(set, ordinal);

    /// <summary>Upstream getParentNameAndOrdinal: "web-12" is ("web", 12); anything else has no ordinal.</summary>
    public static (string Parent, int Ordinal)? ParentAndOrdinal(Pod pod)
    {
        var name = pod.Metadata.Name ?? "";
        var dash = name.LastIndexOf('-');
        if (dash <= 0 || dash == name.Length - 1)
        {
            return null;
        }
        var digits = name.AsSpan(dash + 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return null;
            }
        }
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? (name[..dash], ordinal) : null;
    }

    public static bool IsMemberOf(StatefulSet set, Pod pod) => ParentAndOrdinal(pod)?.Parent == set.Metadata.Name;

    public static int Ordinal(Pod pod) => ParentAndOrdinal(pod)?.Ordinal ?? -1;

    public static string? Revision(Pod pod) => pod.Metadata.Labels?.GetValueOrDefault(RevisionLabel);

    public static bool IsTerminating(Pod pod) => pod.Metadata.DeletionTimestamp is not null;

    public static bool IsFinished(Pod pod) => pod.Status?.Phase is "Failed" or "Succeeded";

    public static bool IsRunningAndReady(Pod pod) => pod.Status?.Phase == "Running" && PodState.IsReady(pod);

    public static bool IsRunningAndAvailable(Pod pod, int minReadySeconds, DateTimeOffset now) =>
        pod.Status?.Phase == "Running" && PodState.IsAvailable(pod, minReadySeconds, now);

    /// <summary>Upstream isHealthy: running, ready (and available) and not terminating.</summary>
    public static bool IsHealthy(Pod pod, int minReadySeconds, DateTimeOffset now) =>
        IsRunningAndAvailable(pod, minReadySeconds, now) && !IsTerminating(pod);

    /// <summary>Upstream identityMatches: name, namespace and the pod-name label agree with the ordinal.</summary>
    public static bool IdentityMatches(StatefulSet set, Pod pod) =>
        ParentAndOrdinal(pod) is { } parsed && parsed.Parent == set.Metadata.Name && pod.Metadata.Namespace == set.Metadata.Namespace &&
        pod.Metadata.Labels?.GetValueOrDefault(PodNameLabel) == pod.Metadata.Name &&
        pod.Metadata.Labels?.GetValueOrDefault(PodIndexLabel) == parsed.Ordinal.ToString(CultureInfo.InvariantCulture);

    /// <summary>Sets the identity labels (upstream updateIdentity, with PodIndexLabel on as in 1.32).</summary>
    public static void ApplyIdentityLabels(Pod pod, int ordinal)
    {
        pod.Metadata.Labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
        pod.Metadata.Labels[PodNameLabel] = pod.Metadata.Name ?? "";
        pod.Metadata.Labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The template a revision holds (its patch replaces spec.template whole).</summary>
    public static PodTemplateSpec? TemplateOf(ControllerRevision revision)
    {
        if (revision.Data is not { ValueKind: JsonValueKind.Object } data ||
            !data.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("template", out var template) || template.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var node = System.Text.Json.Nodes.JsonNode.Parse(template.GetRawText())!.AsObject();
        node.Remove("$patch");
        return node.Deserialize<PodTemplateSpec>(KubeJson.Options);
    }

    /// <summary>
    /// Upstream newStatefulSetPod + setPodRevision: the template's pod named for its ordinal, its own
    /// hostname in the Service's subdomain, each claim template's volume pointing at this ordinal's claim.
    /// </summary>
    public static Pod NewPod(StatefulSet set, PodTemplateSpec template, string revisionName, int ordinal)
    {
        var pod = PodTemplates.NewPod(template, set, ControllerRefs.NewControllerRef(set, KnownResources.StatefulSets));
        pod.Metadata.GenerateName = null;
        pod.Metadata.Name = PodName(set, ordinal);
        ApplyIdentityLabels(pod, ordinal);
        pod.Metadata.Labels![RevisionLabel] = revisionName;
        var spec = pod.Spec ??= new PodSpec();
        spec.Hostname = pod.Metadata.Name;
        spec.Subdomain = string.IsNullOrEmpty(set.Spec?.ServiceName) ? null : set.Spec.ServiceName;
        var volumes = spec.Volumes ?? [];
        foreach (var claim in set.Spec?.VolumeClaimTemplates ?? [])
        {
            var name = claim.Metadata.Name ?? "";
            volumes.RemoveAll(v => v.Name == name);
            volumes.Add(new Volume
            {
                Name = name,
                PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(claim, set, ordinal) },
            });
        }
        spec.Volumes = volumes.Count == 0 ? spec.Volumes : volumes;
        return pod;
    }
}
