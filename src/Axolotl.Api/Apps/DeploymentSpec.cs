using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Apps;

/// <summary>apps/v1 DeploymentSpec.</summary>
[Description("The desired state of a Deployment.")]
public sealed class DeploymentSpec
{
    [Description("Desired number of pods. Defaults to 1.")]
    public int? Replicas { get; set; }

    [Description("Label query over the pods the Deployment manages; must match the template's labels and cannot change.")]
    public LabelSelector? Selector { get; set; }

    [Description("The pod every replica is created from. Changing it starts a rollout.")]
    public PodTemplateSpec Template { get; set => field = value ?? new(); } = new();

    [Description("How old pods are replaced by new ones.")]
    [PatchStrategy("retainKeys")]
    public DeploymentStrategy? Strategy { get; set; }

    [Description("Seconds a new pod must be ready, without crashing, to count as available. Defaults to 0.")]
    public int? MinReadySeconds { get; set; }

    [Description("How many old ReplicaSets to keep for rollback. Defaults to 10.")]
    public int? RevisionHistoryLimit { get; set; }

    [Description("When true, template changes do not start a rollout.")]
    public bool? Paused { get; set; }

    [Description("Seconds without progress before the rollout is reported as failed (Progressing=False, ProgressDeadlineExceeded). Defaults to 600.")]
    public int? ProgressDeadlineSeconds { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 DeploymentStrategy.</summary>
[Description("How a Deployment replaces old pods with new ones.")]
public sealed class DeploymentStrategy
{
    [Description("Recreate (stop all old pods first) or RollingUpdate. Defaults to RollingUpdate.")]
    public string? Type { get; set; }

    [Description("Budgets of a rolling update; only with type RollingUpdate.")]
    public RollingUpdateDeployment? RollingUpdate { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apps/v1 RollingUpdateDeployment.</summary>
public sealed class RollingUpdateDeployment
{
    [Description("How many desired pods may be unavailable during the update: a number or a percentage (rounded down). Defaults to 25%.")]
    public IntOrString? MaxUnavailable { get; set; }

    [Description("How many pods may exist above the desired count during the update: a number or a percentage (rounded up). Defaults to 25%.")]
    public IntOrString? MaxSurge { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
