using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Apiextensions;

/// <summary>
/// apiextensions.k8s.io/v1 CustomResourceDefinition. Its spec and status are handled as JSON
/// (Definitions/): the
/// schema inside is free-form JSON Schema, which a C# model would only round-trip.
/// </summary>
[Description("CustomResourceDefinition represents a resource that should be exposed on the API server. Its name MUST be in the format <.spec.name>.<.spec.group>.")]
public sealed class CustomResourceDefinition : KubeObject
{
    public const string Group = "apiextensions.k8s.io";

    /// <summary>Upstream's finalizer: the CRD stays until every object of it is deleted.</summary>
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";
}
