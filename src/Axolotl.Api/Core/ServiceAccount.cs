using Axolotl.Api.Meta;

namespace Axolotl.Api.Core;

/// <summary>Shell: fields are preserved through ExtensionData until modelled.</summary>
public sealed class ServiceAccount : KubeObject
{
}
