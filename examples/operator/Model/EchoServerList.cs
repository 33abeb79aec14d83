using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace EchoOperator.Model;

public sealed class EchoServerList : IKubernetesObject<V1ListMeta>, IItems<EchoServer>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = EchoServer.Group + "/" + EchoServer.Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "EchoServerList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<EchoServer> Items { get; set; } = [];
}
