using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Apps;

/// <summary>apps/v1 StatefulSet.</summary>
[Description("Runs pods with stable ordinal names, stable network identities and one persistent volume claim per pod and template.")]
public sealed class StatefulSet : KubeObject<StatefulSetSpec, StatefulSetStatus>
{
}
