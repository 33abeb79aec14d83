using Axolotl.Api.Meta;

namespace Axolotl.Api.Discovery;

/// <summary>Shell: fields are preserved through ExtensionData until modelled.</summary>
public sealed class EndpointSlice : KubeObject
{
}
