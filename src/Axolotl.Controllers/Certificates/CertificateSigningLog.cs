using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Certificates;

/// <summary>
/// Approval and issuance at Debug, as kube-controller-manager logs them only at higher verbosity: the CSR object keeps
/// both (conditions and certificate), and a join of 100 nodes would otherwise print 200 lines.
/// </summary>
internal static partial class CertificateSigningLog
{
    [LoggerMessage(EventId = 7401, Level = LogLevel.Debug, Message = "CertificateSigningRequest {Name}: approved ({Signer}, requested by {User})")]
    public static partial void Approved(ILogger logger, string name, string? signer, string? user);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Debug, Message = "CertificateSigningRequest {Name}: issued by {Signer}, valid until {NotAfter:u}")]
    public static partial void Issued(ILogger logger, string name, string? signer, DateTime notAfter);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Warning, Message = "CertificateSigningRequest {Name}: {Signer} refused to sign: {Reason}")]
    public static partial void Failed(ILogger logger, string name, string? signer, string reason);
}
