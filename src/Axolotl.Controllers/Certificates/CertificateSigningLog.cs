using Microsoft.Extensions.Logging;

namespace Axolotl.Controllers.Certificates;

internal static partial class CertificateSigningLog
{
    [LoggerMessage(EventId = 7401, Level = LogLevel.Information, Message = "CertificateSigningRequest {Name}: approved ({Signer}, requested by {User})")]
    public static partial void Approved(ILogger logger, string name, string? signer, string? user);

    [LoggerMessage(EventId = 7402, Level = LogLevel.Information, Message = "CertificateSigningRequest {Name}: issued by {Signer}, valid until {NotAfter:u}")]
    public static partial void Issued(ILogger logger, string name, string? signer, DateTime notAfter);

    [LoggerMessage(EventId = 7403, Level = LogLevel.Warning, Message = "CertificateSigningRequest {Name}: {Signer} refused to sign: {Reason}")]
    public static partial void Failed(ILogger logger, string name, string? signer, string reason);
}
