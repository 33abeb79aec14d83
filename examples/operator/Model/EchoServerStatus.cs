using System.Text.Json.Serialization;
using k8s.Models;

namespace EchoOperator.Model;

/// <summary>What the operator observed, written only through the status subresource.</summary>
public sealed class EchoServerStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("readyReplicas")]
    public int ReadyReplicas { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition> Conditions { get; set; } = [];
}
