using System.Globalization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Resources;

namespace Axolotl.Bench.SchedulerShapes;

/// <summary>
/// The pod shapes measured, after scheduler_perf's workloads (semantics only): each constrained pod belongs to one of
/// <c>groups</c> groups (label <c>group</c>) and its terms select the pods of its own group, so that the pods already
/// placed match them and every pod scheduled counts for the next ones of its group.
/// </summary>
public static class PodShapes
{
    public const string Plain = "plain";
    public const string AntiAffinity = "anti-affinity-hostname";
    public const string PreferredAffinity = "preferred-affinity-zone";
    public const string SpreadZone = "spread-zone-hard";
    public const string SpreadHostname = "spread-hostname-soft";
    public const string Mix = "mix";

    public static readonly string[] All = [Plain, AntiAffinity, PreferredAffinity, SpreadZone, SpreadHostname, Mix];

    private static readonly string[] MixOrder = [Plain, AntiAffinity, PreferredAffinity, SpreadZone, SpreadHostname];

    /// <summary>Pod number <paramref name="serial"/> of <paramref name="shape"/> in group <paramref name="group"/> (the mix takes the five shapes in turn).</summary>
    public static Pod Make(string shape, int serial, int group)
    {
        if (shape == Mix)
        {
            shape = MixOrder[serial % MixOrder.Length];
        }
        var groupLabel = string.Create(CultureInfo.InvariantCulture, $"{shape}-g{group}");
        var pod = Base(serial, shape == Plain ? null : groupLabel);
        var spec = pod.Spec!;
        switch (shape)
        {
            case Plain:
                break;
            case AntiAffinity:
                // At most one pod of a group per node (scheduler_perf's SchedulingPodAntiAffinity, per group).
                spec.Affinity = new Affinity { PodAntiAffinity = new PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [Term(groupLabel, WellKnown.LabelHostname)] } };
                break;
            case PreferredAffinity:
                spec.Affinity = new Affinity
                {
                    PodAffinity = new PodAffinity { PreferredDuringSchedulingIgnoredDuringExecution = [new WeightedPodAffinityTerm { Weight = 1, PodAffinityTerm = Term(groupLabel, WellKnown.LabelTopologyZone) }] },
                };
                break;
            case SpreadZone:
                spec.TopologySpreadConstraints = [Spread(groupLabel, WellKnown.LabelTopologyZone, "DoNotSchedule")];
                break;
            case SpreadHostname:
                spec.TopologySpreadConstraints = [Spread(groupLabel, WellKnown.LabelHostname, "ScheduleAnyway")];
                break;
            default:
                throw new ArgumentException("unknown shape " + shape, nameof(shape));
        }
        return pod;
    }

    private static PodAffinityTerm Term(string group, string topologyKey) =>
        new() { LabelSelector = new LabelSelector { MatchLabels = new() { ["group"] = group } }, TopologyKey = topologyKey };

    private static TopologySpreadConstraint Spread(string group, string topologyKey, string whenUnsatisfiable) => new()
    {
        MaxSkew = 1,
        TopologyKey = topologyKey,
        WhenUnsatisfiable = whenUnsatisfiable,
        LabelSelector = new LabelSelector { MatchLabels = new() { ["group"] = group } },
    };

    /// <summary>The scale scenario's pod (as bench/scheduler-cycle), with the group label when it has one.</summary>
    public static Pod Base(int serial, string? group)
    {
        var labels = new Dictionary<string, string> { ["app"] = "scale", ["tier"] = "web" };
        if (group is not null)
        {
            labels["group"] = group;
        }
        return new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = string.Create(CultureInfo.InvariantCulture, $"p{serial:D7}"),
                Namespace = "scale",
                Uid = string.Create(CultureInfo.InvariantCulture, $"00000000-0000-0000-0000-{serial:D12}"),
                Labels = labels,
            },
            Spec = new PodSpec
            {
                Containers =
                [
                    new Container
                    {
                        Name = "web",
                        Image = "nginx:1.25",
                        Ports = [new ContainerPort { Name = "http", ContainerPortNumber = 80, Protocol = "TCP" }],
                        Resources = new ResourceRequirements
                        {
                            Requests = new() { ["cpu"] = Quantity.Parse("5m"), ["memory"] = Quantity.Parse("8Mi") },
                            Limits = new() { ["cpu"] = Quantity.Parse("100m"), ["memory"] = Quantity.Parse("64Mi") },
                        },
                    },
                ],
            },
        };
    }

    /// <summary>A fake node as `agent --runtime fake` registers it, with a hostname and a zone label.</summary>
    public static Node Node(string name, string zone) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Uid = "uid-" + name,
            Labels = new() { [WellKnown.LabelHostname] = name, ["kubernetes.io/os"] = "linux", [WellKnown.LabelTopologyZone] = zone },
        },
        Spec = new NodeSpec(),
        Status = new NodeStatus
        {
            Allocatable = new() { ["cpu"] = Quantity.Parse("64"), ["memory"] = Quantity.Parse("256Gi"), ["pods"] = Quantity.Parse("1000") },
            Conditions = [new NodeCondition { Type = "Ready", Status = "True" }],
        },
    };
}
