using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace EchoOperator.Model;

/// <summary>An EchoServer (examples.axolotl.io/v1): replicas of a web server answering spec.message.</summary>
public sealed class EchoServer : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "examples.axolotl.io";
    public const string Version = "v1";
    public const string Plural = "echoservers";
    public const string KindName = "EchoServer";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public EchoServerSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public EchoServerStatus? Status { get; set; }
}
