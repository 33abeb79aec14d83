using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Certificates;

/// <summary>certificates.k8s.io/v1 CertificateSigningRequestCondition.</summary>
public sealed class CertificateSigningRequestCondition
{
    [Description("Approved, Denied or Failed.")]
    public string Type { get; set => field = value ?? ""; } = "";

    [Description("True, False or Unknown; defaults to True.")]
    public string? Status { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }

    public DateTimeOffset? LastUpdateTime { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
