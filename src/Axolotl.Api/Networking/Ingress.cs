using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Networking;

/// <summary>
/// networking.k8s.io/v1 Ingress. Served and validated as upstream; as in Kubernetes, nothing in the
/// control plane acts on it: an ingress controller (none ships with Axolotl) reads it and writes its status.
/// </summary>
[Description("A collection of rules that allow inbound connections to reach the endpoints defined by a backend.")]
public sealed class Ingress : KubeObject
{
    [Description("The desired state of the Ingress.")]
    public IngressSpec? Spec { get; set; }

    [Description("The current state of the Ingress, written by its controller.")]
    public IngressStatus? Status { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressSpec.</summary>
public sealed class IngressSpec
{
    public string? IngressClassName { get; set; }

    public IngressBackend? DefaultBackend { get; set; }

    public List<IngressTLS>? Tls { get; set; }

    public List<IngressRule>? Rules { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressBackend: a Service port or a resource, never both.</summary>
public sealed class IngressBackend
{
    public IngressServiceBackend? Service { get; set; }

    public TypedLocalObjectReference? Resource { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressServiceBackend.</summary>
public sealed class IngressServiceBackend
{
    public string Name { get; set => field = value ?? ""; } = "";

    public ServiceBackendPort? Port { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 ServiceBackendPort: a port name or number, not both.</summary>
public sealed class ServiceBackendPort
{
    public string? Name { get; set; }

    public int? Number { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressTLS.</summary>
public sealed class IngressTLS
{
    public List<string>? Hosts { get; set; }

    public string? SecretName { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressRule.</summary>
public sealed class IngressRule
{
    public string? Host { get; set; }

    public HTTPIngressRuleValue? Http { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 HTTPIngressRuleValue.</summary>
public sealed class HTTPIngressRuleValue
{
    public List<HTTPIngressPath>? Paths { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 HTTPIngressPath.</summary>
public sealed class HTTPIngressPath
{
    public string? Path { get; set; }

    /// <summary>Exact, Prefix or ImplementationSpecific; required in v1.</summary>
    public string? PathType { get; set; }

    public IngressBackend? Backend { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressStatus.</summary>
public sealed class IngressStatus
{
    public IngressLoadBalancerStatus? LoadBalancer { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressLoadBalancerStatus.</summary>
public sealed class IngressLoadBalancerStatus
{
    public List<IngressLoadBalancerIngress>? Ingress { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>networking.k8s.io/v1 IngressLoadBalancerIngress.</summary>
public sealed class IngressLoadBalancerIngress
{
    public string? Ip { get; set; }

    public string? Hostname { get; set; }

    public List<PortStatus>? Ports { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
