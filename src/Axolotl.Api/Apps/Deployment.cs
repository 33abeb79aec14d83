using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Apps;

/// <summary>apps/v1 Deployment.</summary>
[Description("Declarative updates for a set of identical pods: it rolls a ReplicaSet per pod template version forward (or back) under a strategy.")]
public sealed class Deployment : KubeObject<DeploymentSpec, DeploymentStatus>
{
}
