using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.FlowControl;

/// <summary>flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfigurationSpec.</summary>
public sealed class PriorityLevelConfigurationSpec
{
    public const string TypeExempt = "Exempt";
    public const string TypeLimited = "Limited";

    [Description("Exempt (never limited) or Limited.")]
    public string Type { get; set => field = value ?? ""; } = "";

    [Description("The limits of a Limited level.")]
    public LimitedPriorityLevelConfiguration? Limited { get; set; }

    [Description("The shares of an Exempt level (used for borrowing upstream; no limits apply).")]
    public ExemptPriorityLevelConfiguration? Exempt { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 LimitedPriorityLevelConfiguration.</summary>
public sealed class LimitedPriorityLevelConfiguration
{
    [Description("This level's share of the server's concurrency limit. Defaults to 30.")]
    public int? NominalConcurrencyShares { get; set; }

    [Description("What happens to requests beyond the level's seats.")]
    public LimitResponse? LimitResponse { get; set; }

    [Description("The percentage of seats other levels may borrow (0 to 100). Defaults to 0.")]
    public int? LendablePercent { get; set; }

    [Description("How many seats this level may borrow, as a percentage of its nominal limit.")]
    public int? BorrowingLimitPercent { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 ExemptPriorityLevelConfiguration.</summary>
public sealed class ExemptPriorityLevelConfiguration
{
    public int? NominalConcurrencyShares { get; set; }

    public int? LendablePercent { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 LimitResponse.</summary>
public sealed class LimitResponse
{
    public const string TypeQueue = "Queue";
    public const string TypeReject = "Reject";

    [Description("Queue (wait for a seat) or Reject (429 at once).")]
    public string Type { get; set => field = value ?? ""; } = "";

    public QueuingConfiguration? Queuing { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>flowcontrol.apiserver.k8s.io/v1 QueuingConfiguration: shuffle sharding of flows into queues.</summary>
public sealed class QueuingConfiguration
{
    [Description("How many queues the level has. Defaults to 64.")]
    public int? Queues { get; set; }

    [Description("How many queues each flow is dealt. Defaults to 8.")]
    public int? HandSize { get; set; }

    [Description("How many requests one queue may hold. Defaults to 50.")]
    public int? QueueLengthLimit { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
