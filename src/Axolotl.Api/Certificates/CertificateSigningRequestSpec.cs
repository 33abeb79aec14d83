using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axolotl.Api.Certificates;

/// <summary>certificates.k8s.io/v1 CertificateSigningRequestSpec. username, uid, groups and extra are set by the server from the requester.</summary>
public sealed class CertificateSigningRequestSpec
{
    [Description("A PEM-encoded PKCS#10 certificate request (base64 in JSON).")]
    public byte[]? Request { get; set; }

    [Description("The signer asked to sign, for example kubernetes.io/kube-apiserver-client-kubelet.")]
    public string? SignerName { get; set; }

    [Description("The requested lifetime of the certificate in seconds; at least 600.")]
    public int? ExpirationSeconds { get; set; }

    [Description("Key usages requested, for example digital signature and client auth.")]
    public List<string>? Usages { get; set; }

    [Description("The user who created the request, set by the server.")]
    public string? Username { get; set; }

    [Description("The uid of the user who created the request, set by the server.")]
    public string? Uid { get; set; }

    [Description("The groups of the user who created the request, set by the server.")]
    public List<string>? Groups { get; set; }

    [Description("Extra attributes of the user who created the request, set by the server.")]
    public Dictionary<string, List<string>>? Extra { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
