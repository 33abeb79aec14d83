using Axolotl.Api.Core;
using Axolotl.Api.Selectors;

namespace Axolotl.Scheduler.Framework;

/// <summary>
/// A node together with the pods bound (or being bound) to it and what they request: the view every
/// plugin judges. Built fresh for each scheduling cycle from the informer caches.
/// </summary>
public sealed class NodeInfo
{
    private readonly List<Pod> _pods = [];
    private readonly List<PodInfo> _podsWithAffinity = [];
    private readonly List<PodInfo> _podsWithRequiredAntiAffinity = [];
    private Dictionary<string, long>? _imageSizes;
    private PodLabelIndex? _labelIndex;
    private AffinityTermIndex? _termIndex;
    private string? _ready;
    private bool _readyRead;

    /// <param name="sameNode">An earlier info of this very Node object, whose image table is taken over instead of read again.</param>
    public NodeInfo(Node node, NodeInfo? sameNode = null)
    {
        Node = node;
        _imageSizes = sameNode is not null && ReferenceEquals(sameNode.Node, node) ? sameNode._imageSizes : null;
        var allocatable = node.Status?.Allocatable;
        AllocatableMilliCpu = ResourceRequest.Read(allocatable, "cpu", q => q.MilliValue());
        AllocatableMemory = ResourceRequest.Read(allocatable, "memory", q => q.Value());
        AllowedPodCount = ResourceRequest.Read(allocatable, "pods", q => q.Value());
    }

    public Node Node { get; }

    public string Name => Node.Metadata.Name ?? "";

    public IReadOnlyList<Pod> Pods => _pods;

    /// <summary>
    /// The node's pods that <paramref name="selector"/> may match (a superset: the caller still matches each), through
    /// an index by label built on first use and kept with this info, as <see cref="ImageSizes"/> is.
    /// </summary>
    public IReadOnlyList<Pod> PodsThatMayMatch(ParsedLabelSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return (_labelIndex ??= new PodLabelIndex(_pods)).MayMatch(selector, _pods);
    }

    /// <summary>The pods that state pod affinity or anti-affinity, their terms parsed (InterPodAffinity reads only these).</summary>
    public IReadOnlyList<PodInfo> PodsWithAffinity => _podsWithAffinity;

    /// <summary>
    /// The affinity terms of <see cref="PodsWithAffinity"/> that may select <paramref name="pod"/> (a superset: the caller
    /// still matches each), through an index by the label pairs the terms require, built on first use and kept with this info.
    /// </summary>
    public IEnumerable<ExistingAffinityTerm> AffinityTermsThatMayMatch(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return _podsWithAffinity.Count == 0 ? [] : (_termIndex ??= new AffinityTermIndex(_podsWithAffinity)).MayMatch(pod.Metadata.Labels);
    }

    /// <summary>
    /// Whether a pod here has a term InterPodAffinity's score counts for an incoming pod (required affinity, or any
    /// preferred term): a node whose pods state only required anti-affinity adds nothing to any pod's score.
    /// </summary>
    public bool HasScoringAffinityTerms { get; private set; }

    /// <summary>The pods with required anti-affinity: they may forbid the incoming pod (upstream's symmetry).</summary>
    public IReadOnlyList<PodInfo> PodsWithRequiredAntiAffinity => _podsWithRequiredAntiAffinity;

    public long AllocatableMilliCpu { get; }

    public long AllocatableMemory { get; }

    public long AllowedPodCount { get; }

    /// <summary>
    /// The node's images (status.images) by every name they go by, with their size; built on first use and
    /// kept with this info, which the scheduler's cache rebuilds only when the Node object changes (upstream's
    /// ImageStates). Building it per pod and node was most of a scheduling cycle with 700 image names a node.
    /// </summary>
    /// <summary>The status of the node's Ready condition (null without one), read once per info rather than once per pod and node.</summary>
    public string? ReadyStatus => _readyRead ? _ready : ReadReady();

    public IReadOnlyDictionary<string, long> ImageSizes => _imageSizes ??= ReadImageSizes(Node);

    /// <summary>The sum of the requests of the pods on the node (used by the fit filter).</summary>
    public ResourceRequest Requested { get; private set; }

    /// <summary>The same sum with 100m / 200Mi for containers that request nothing (used by scoring).</summary>
    public ResourceRequest NonZeroRequested { get; private set; }

    public void AddPod(Pod pod) => AddPod(CountedPod.Of(pod));

    public void AddPod(CountedPod counted)
    {
        ArgumentNullException.ThrowIfNull(counted);
        var pod = counted.Pod;
        _pods.Add(pod);
        _labelIndex?.Add(pod);
        if (counted.Affinity is { } info)
        {
            _podsWithAffinity.Add(info);
            _termIndex?.Add(info);
            HasScoringAffinityTerms |= info.RequiredAffinityTerms.Count > 0 || info.PreferredAffinityTerms.Count > 0 || info.PreferredAntiAffinityTerms.Count > 0;
            if (info.RequiredAntiAffinityTerms.Count > 0)
            {
                _podsWithRequiredAntiAffinity.Add(info);
            }
        }
        Requested += counted.Requested;
        NonZeroRequested += counted.NonZeroRequested;
    }

    private string? ReadReady()
    {
        _ready = Node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status;
        _readyRead = true;
        return _ready;
    }

    private static Dictionary<string, long> ReadImageSizes(Node node)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var image in node.Status?.Images ?? [])
        {
            foreach (var name in image.Names ?? [])
            {
                sizes[name] = image.SizeBytes ?? 0;
            }
        }
        return sizes;
    }

    /// <summary>A copy without the pods <paramref name="remove"/> picks (the preemption dry run).</summary>
    public NodeInfo Without(Func<Pod, bool> remove)
    {
        var copy = new NodeInfo(Node);
        foreach (var pod in _pods.Where(p => !remove(p)))
        {
            copy.AddPod(pod);
        }
        return copy;
    }

    /// <summary>A copy with <paramref name="added"/> counted as well (pods nominated to the node by preemption).</summary>
    public NodeInfo With(IEnumerable<Pod> added)
    {
        var copy = Without(_ => false);
        foreach (var pod in added)
        {
            copy.AddPod(pod);
        }
        return copy;
    }
}
