using Axolotl.Api.Meta;

namespace Axolotl.Api.Apiextensions;

/// <summary>
/// An object of a kind a CustomResourceDefinition defines: typed metadata, everything else kept as sent
/// (the CRD's schema, not a C# model, says what the rest may hold).
/// </summary>
public sealed class CustomResource : KubeObject
{
}
