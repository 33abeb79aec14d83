using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Authorization;

/// <summary>authorization.k8s.io/v1 ResourceAttributes: a resource request, as the authorizer sees it.</summary>
public sealed class ResourceAttributes
{
    [Description("The namespace of the action; \"\" for cluster-scoped resources or all namespaces.")]
    public string? Namespace { get; set; }

    [Description("A Kubernetes resource API verb (get, list, watch, create, update, delete, proxy) or '*'.")]
    public string? Verb { get; set; }

    [Description("The API group of the resource; '*' means all.")]
    public string? Group { get; set; }

    [Description("The API version of the resource; '*' means all.")]
    public string? Version { get; set; }

    [Description("One of the existing resource types; '*' means all.")]
    public string? Resource { get; set; }

    [Description("One of the existing subresources; \"\" means none.")]
    public string? Subresource { get; set; }

    [Description("The name of the resource; \"\" means all.")]
    public string? Name { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
