using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Certificates;

/// <summary>certificates.k8s.io/v1 CertificateSigningRequest: a request for a certificate from a named signer.</summary>
[Description("A request for a certificate from a named signer, approved or denied, then signed.")]
public sealed class CertificateSigningRequest : KubeObject<CertificateSigningRequestSpec, CertificateSigningRequestStatus>
{
}
