using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Coordination;

/// <summary>coordination.k8s.io/v1 Lease. Upstream has no status for this kind.</summary>
[Description("A lease: who holds a lock and until when. Used for node heartbeats and leader election.")]
public sealed class Lease : KubeObject
{
    [Description("The holder and timing of the lease.")]
    public LeaseSpec? Spec { get; set; }
}

/// <summary>coordination.k8s.io/v1 LeaseSpec.</summary>
public sealed class LeaseSpec
{
    [Description("Identity of the current holder.")]
    public string? HolderIdentity { get; set; }

    [Description("Seconds a candidate must wait after the last renewal before taking the lease over.")]
    public int? LeaseDurationSeconds { get; set; }

    [Description("When the current holder acquired the lease.")]
    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset? AcquireTime { get; set; }

    [Description("When the current holder last renewed the lease.")]
    [JsonConverter(typeof(KubeMicroTimeConverter))]
    public DateTimeOffset? RenewTime { get; set; }

    [Description("How many times the lease has changed hands.")]
    public int? LeaseTransitions { get; set; }

    [Description("The strategy for picking a leader in coordinated leader election.")]
    public string? Strategy { get; set; }

    [Description("The holder a coordinated election prefers.")]
    public string? PreferredHolder { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
