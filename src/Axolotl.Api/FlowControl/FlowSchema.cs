using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.FlowControl;

/// <summary>flowcontrol.apiserver.k8s.io/v1 FlowSchema: which requests go to which priority level, and how they split into flows.</summary>
[Description("Sorts requests into priority levels: the schema with the lowest matching precedence whose rules match a request classifies it.")]
public sealed class FlowSchema : KubeObject<FlowSchemaSpec, FlowSchemaStatus>
{
}
