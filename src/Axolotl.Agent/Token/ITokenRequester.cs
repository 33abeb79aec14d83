using Axolotl.Api.Core;

namespace Axolotl.Agent.Token;

/// <summary>Asks the API server for a token of the pod's ServiceAccount bound to the pod (POST serviceaccounts/NAME/token).</summary>
public interface ITokenRequester
{
    Task<ServiceAccountToken> RequestAsync(Pod pod, string? audience, long expirationSeconds, CancellationToken ct);
}
