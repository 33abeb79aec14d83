using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.FlowControl;

/// <summary>flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration: how many requests a priority level runs at once and what happens to the rest.</summary>
[Description("A priority level: exempt from limits, or limited to a share of the server's concurrency with queuing or rejection beyond it.")]
public sealed class PriorityLevelConfiguration : KubeObject<PriorityLevelConfigurationSpec, PriorityLevelConfigurationStatus>
{
    /// <summary>The annotation that lets the server keep a bootstrap object's spec at its built-in value.</summary>
    public const string AutoUpdateAnnotation = "apf.kubernetes.io/autoupdate-spec";

    public const string Exempt = "exempt";
    public const string CatchAll = "catch-all";
}
