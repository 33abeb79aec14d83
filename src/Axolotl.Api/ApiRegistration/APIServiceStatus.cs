using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.ApiRegistration;

/// <summary>apiregistration.k8s.io/v1 APIServiceStatus: the Available condition.</summary>
public sealed class APIServiceStatus
{
    public List<APIServiceCondition>? Conditions { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apiregistration.k8s.io/v1 APIServiceCondition (no observedGeneration, unlike meta/v1 Condition).</summary>
public sealed class APIServiceCondition
{
    public const string Available = "Available";

    public string Type { get; set => field = value ?? ""; } = "";

    /// <summary>True, False or Unknown.</summary>
    public string Status { get; set => field = value ?? ""; } = "";

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>
    /// Upstream's SetAPIServiceCondition: replaces the condition of the same type, keeping its
    /// lastTransitionTime unless the status changes; appends it when there is none.
    /// </summary>
    public static void Set(APIServiceStatus status, APIServiceCondition condition)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(condition);
        var conditions = status.Conditions ??= [];
        var existing = conditions.Find(c => c.Type == condition.Type);
        if (existing is null)
        {
            conditions.Add(condition);
            return;
        }
        if (existing.Status != condition.Status)
        {
            existing.Status = condition.Status;
            existing.LastTransitionTime = condition.LastTransitionTime;
        }
        existing.Reason = condition.Reason;
        existing.Message = condition.Message;
    }

    /// <summary>Upstream's condition for a Local APIService, which is always available.</summary>
    public static APIServiceCondition LocalAvailable(DateTimeOffset now) => new()
    {
        Type = Available,
        Status = "True",
        LastTransitionTime = now,
        Reason = "Local",
        Message = "Local APIServices are always available",
    };
}
