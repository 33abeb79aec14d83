using Axolotl.Api.Meta;

namespace Axolotl.Client;

/// <summary>
/// An object of any kind: typed metadata, everything else (spec, status, data, …) kept verbatim in
/// <see cref="KubeObject.ExtensionData"/>. Used where code must handle every resource type alike,
/// such as the garbage collector and the namespace controller.
/// </summary>
public sealed class Unstructured : KubeObject
{
}
