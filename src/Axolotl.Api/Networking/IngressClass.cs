using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Networking;

/// <summary>networking.k8s.io/v1 IngressClass: which controller implements an Ingress class (cluster-scoped).</summary>
[Description("The class of an Ingress: the controller that implements it and its parameters.")]
public sealed class IngressClass : KubeObject
{
    [Description("The controller and parameters of this class.")]
    public IngressClassSpec? Spec { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressClassSpec.</summary>
public sealed class IngressClassSpec
{
    public string? Controller { get; set; }

    public IngressClassParametersReference? Parameters { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressClassParametersReference.</summary>
public sealed class IngressClassParametersReference
{
    public string? ApiGroup { get; set; }

    public string Kind { get; set => field = value ?? ""; } = "";

    public string Name { get; set => field = value ?? ""; } = "";

    /// <summary>Cluster or Namespace.</summary>
    public string? Scope { get; set; }

    public string? Namespace { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
