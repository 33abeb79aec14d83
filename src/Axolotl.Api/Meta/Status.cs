using System.Text.Json.Serialization;

namespace Axolotl.Api.Meta;

/// <summary>The meta/v1 Status every error (and some successes) are reported with.</summary>
public sealed class Status
{
    [JsonPropertyOrder(-30)]
    public string Kind { get; set; } = "Status";

    [JsonPropertyOrder(-20)]
    public string ApiVersion { get; set; } = "v1";

    [JsonPropertyOrder(-10)]
    public ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("status")]
    public string? Outcome { get; set; }

    public string? Message { get; set; }
    public string? Reason { get; set; }
    public StatusDetails? Details { get; set; }
    public int Code { get; set; }
}

public sealed class StatusDetails
{
    public string? Name { get; set; }
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public string? Uid { get; set; }
    public List<StatusCause>? Causes { get; set; }
    public int? RetryAfterSeconds { get; set; }
}

public sealed class StatusCause
{
    [JsonPropertyName("reason")]
    public string? Type { get; set; }

    public string? Message { get; set; }
    public string? Field { get; set; }
}
