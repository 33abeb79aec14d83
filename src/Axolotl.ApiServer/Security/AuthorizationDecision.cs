using Axolotl.Api.Meta;

namespace Axolotl.ApiServer.Security;

/// <summary>An authorizer chain's answer: allowed or not, why, and (when denied) the Forbidden Status a request gets.</summary>
public sealed record AuthorizationDecision(bool Allowed, string Reason, Status? Denial)
{
    public static AuthorizationDecision Allow(string reason) => new(true, reason, null);
}
