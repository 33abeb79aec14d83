using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.ApiRegistration;

/// <summary>apiregistration.k8s.io/v1 APIServiceSpec: where a group/version is served and how it sorts in discovery.</summary>
[Description("APIServiceSpec contains information for locating and communicating with a server. Only https is supported, though you are able to disable certificate verification.")]
public sealed class APIServiceSpec
{
    /// <summary>The Service of the aggregated API server; null: the group/version is served locally.</summary>
    [Description("Service is a reference to the service for this API server. It must communicate on port 443. If the Service is nil, that means the handling for the API groupversion is handled locally on this server. The call will simply delegate to the normal handler chain to be fulfilled.")]
    public ServiceReference? Service { get; set; }

    [Description("Group is the API group name this server hosts")]
    public string? Group { get; set; }

    [Description("Version is the API version this server hosts. For example, \"v1\"")]
    public string? Version { get; set; }

    [Description("InsecureSkipTLSVerify disables TLS certificate verification when communicating with this server. This is strongly discouraged. You should use the CABundle instead.")]
    public bool? InsecureSkipTLSVerify { get; set; }

    /// <summary>PEM certificates the aggregated server's serving certificate must chain to (base64 in JSON).</summary>
    [Description("CABundle is a PEM encoded CA bundle which will be used to validate an API server's serving certificate. If unspecified, system trust roots on the apiserver are used.")]
    public byte[]? CaBundle { get; set; }

    /// <summary>Written even when 0, as upstream's field has no omitempty.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [Description("GroupPriorityMinimum is the priority this group should have at least. Higher priority means that the group is preferred by clients over lower priority ones. The primary sort is based on GroupPriorityMinimum, ordered highest number to lowest (20 before 10). The secondary sort is based on the alphabetical comparison of the name of the object.")]
    public int GroupPriorityMinimum { get; set; }

    /// <summary>Written even when 0, as upstream's field has no omitempty.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    [Description("VersionPriority controls the ordering of this API version inside of its group. Must be greater than zero. The primary sort is based on VersionPriority, ordered highest to lowest (20 before 10).")]
    public int VersionPriority { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}

/// <summary>apiregistration.k8s.io/v1 ServiceReference: the Service an aggregated API server listens behind (port 443 by default).</summary>
public sealed class ServiceReference
{
    public string? Namespace { get; set; }

    public string? Name { get; set; }

    public int? Port { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
