using System.ComponentModel;
using System.Text.Json;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Apps;

/// <summary>apps/v1 ControllerRevision: an immutable snapshot of state, used by DaemonSets for rollback.</summary>
[Description("An immutable snapshot of a controller's state, used by DaemonSets (and StatefulSets) to roll back.")]
public sealed class ControllerRevision : KubeObject
{
    [Description("The serialized state of this revision, usually a strategic merge patch of the pod template.")]
    public JsonElement? Data { get; set; }

    [Description("The revision number, increasing with each change.")]
    public long Revision { get; set; }
}
