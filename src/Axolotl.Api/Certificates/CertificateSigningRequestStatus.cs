using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Certificates;

/// <summary>certificates.k8s.io/v1 CertificateSigningRequestStatus.</summary>
public sealed class CertificateSigningRequestStatus
{
    [Description("Approved, Denied or Failed, with the reason.")]
    [PatchMergeKey("type")]
    [PatchStrategy("merge")]
    public List<CertificateSigningRequestCondition>? Conditions { get; set; }

    [Description("The issued certificate, PEM-encoded (base64 in JSON), once signed.")]
    public byte[]? Certificate { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
