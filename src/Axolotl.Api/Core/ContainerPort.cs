using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Core;

/// <summary>One network port of a container.</summary>
public sealed class ContainerPort
{
    [Description("An IANA service name for the port, unique in the pod, that Services can target by name.")]
    public string? Name { get; set; }

    [Description("Port number to expose on the node's address as well.")]
    public int? HostPort { get; set; }

    // C# forbids a member named like its class, so the wire name is given explicitly.
    [Description("Port number on the pod's IP address, 1-65535.")]
    [JsonPropertyName("containerPort")]
    public int ContainerPortNumber { get; set; }

    [Description("TCP, UDP or SCTP. Defaults to TCP.")]
    public string? Protocol { get; set; }

    [Description("Node address to bind the host port to.")]
    public string? HostIP { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
