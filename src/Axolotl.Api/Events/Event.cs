using Axolotl.Api.Meta;

namespace Axolotl.Api.Events;

/// <summary>Shell: fields are preserved through ExtensionData until modelled.</summary>
public sealed class Event : KubeObject
{
}
