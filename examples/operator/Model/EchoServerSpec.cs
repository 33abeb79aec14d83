using System.Text.Json.Serialization;

namespace EchoOperator.Model;

/// <summary>What the user asks for; the CRD's schema defaults replicas to 1 and requires message.</summary>
public sealed class EchoServerSpec
{
    [JsonPropertyName("replicas")]
    public int Replicas { get; set; } = 1;

    [JsonPropertyName("message")]
    public string Message { get; set; } = "";
}
