using Axolotl.Api.Meta;

namespace Axolotl.Api.Apps;

/// <summary>Shell: fields are preserved through ExtensionData until modelled.</summary>
public sealed class ControllerRevision : KubeObject
{
}
