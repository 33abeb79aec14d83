using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.AdmissionRegistration;

/// <summary>admissionregistration.k8s.io/v1 WebhookClientConfig: exactly one of url or service, and the CA bundle (PEM, base64 in JSON).</summary>
public sealed class WebhookClientConfig
{
    public string? Url { get; set; }

    public ServiceReference? Service { get; set; }

    /// <summary>PEM certificates the webhook's serving certificate must chain to; empty means the system's roots.</summary>
    public byte[]? CaBundle { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>admissionregistration.k8s.io/v1 ServiceReference: a Service in the cluster, its path and port (443 by default).</summary>
public sealed class ServiceReference
{
    public string Namespace { get; set => field = value ?? ""; } = "";

    public string Name { get; set => field = value ?? ""; } = "";

    public string? Path { get; set; }

    public int? Port { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
