using System.Security.Cryptography.X509Certificates;
using System.Text;
using Axolotl.Api.Certificates;
using Axolotl.Client;
using Axolotl.Client.Informers;
using Axolotl.Controllers.Runtime;
using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Certificates;

/// <summary>
/// One CertificateSigningRequest: approve it when <see cref="CsrApprovalPolicy"/> says so (through the
/// approval subresource, as a person would), then, once approved, sign it if it is for a kubelet signer
/// (through the status subresource), or mark it Failed when the signer refuses.
/// </summary>
public sealed class CertificateSigningReconciler(KubeClient client, Lister<CertificateSigningRequest> requests, CertificateSigningOptions options, TimeProvider time, ILogger logger)
    : IReconciler<ObjectKey>
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken ct)
    {
        var csr = requests.Get(null, key.Name);
        if (csr?.Spec is null)
        {
            return ReconcileResult.Done;
        }
        try
        {
            if (CsrApprovalPolicy.Decide(csr) is { } message)
            {
                var approving = ObjectCopy.DeepCopy(csr);
                approving.Status ??= new CertificateSigningRequestStatus();
                approving.Status.Conditions ??= [];
                var now = time.GetUtcNow();
                approving.Status.Conditions.Add(new CertificateSigningRequestCondition
                {
                    Type = "Approved",
                    Status = "True",
                    Reason = "AutoApproved",
                    Message = message,
                    LastUpdateTime = now,
                    LastTransitionTime = now,
                });
                csr = await client.Resource<CertificateSigningRequest>().UpdateSubresourceAsync(approving, "approval", ct);
                CertificateSigningLog.Approved(logger, key.Name, csr.Spec?.SignerName, csr.Spec?.Username);
            }
            if (CsrApprovalPolicy.IsApproved(csr) && csr.Status?.Certificate is not { Length: > 0 } &&
                csr.Spec?.SignerName is KubeletSigners.Client or KubeletSigners.Serving or IngressControllerIdentity.Signer)
            {
                csr = await SignAsync(csr, ct);
            }
            return await CleanUpAsync(csr, ct);
        }
        catch (KubeApiException e) when (e.IsConflict)
        {
            return ReconcileResult.Requeue;
        }
        catch (KubeApiException e) when (e.IsNotFound)
        {
            return ReconcileResult.Done;
        }
    }

    /// <summary>Deletes the request once <see cref="CsrRetention"/> says so; until then looks again when it will.</summary>
    private async Task<ReconcileResult> CleanUpAsync(CertificateSigningRequest csr, CancellationToken ct)
    {
        if (CsrRetention.ExpiresAt(csr) is not { } expires)
        {
            return ReconcileResult.Done;
        }
        var now = time.GetUtcNow();
        if (expires > now)
        {
            return ReconcileResult.RequeueAfter(expires - now);
        }
        await client.DeleteAsync<CertificateSigningRequest>(null, csr.Metadata.Name!, null, ct);
        return ReconcileResult.Done;
    }

    private async Task<CertificateSigningRequest> SignAsync(CertificateSigningRequest csr, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var (pem, failure) = CertificateIssuer.Issue(csr, options, now);
        var signed = ObjectCopy.DeepCopy(csr);
        signed.Status ??= new CertificateSigningRequestStatus();
        if (pem is null)
        {
            signed.Status.Conditions ??= [];
            signed.Status.Conditions.Add(new CertificateSigningRequestCondition
            {
                Type = "Failed",
                Status = "True",
                Reason = "SignerValidationFailure",
                Message = failure,
                LastUpdateTime = now,
                LastTransitionTime = now,
            });
            CertificateSigningLog.Failed(logger, csr.Metadata.Name ?? "", csr.Spec?.SignerName, failure ?? "");
        }
        else
        {
            signed.Status.Certificate = Encoding.ASCII.GetBytes(pem);
        }
        var stored = await client.UpdateStatusAsync(signed, ct);
        if (pem is not null)
        {
            using var issued = X509Certificate2.CreateFromPem(pem);
            var notAfter = issued.NotAfter.ToUniversalTime();
            CertificateSigningLog.Issued(logger, csr.Metadata.Name ?? "", csr.Spec?.SignerName, notAfter);
        }
        return stored;
    }
}
