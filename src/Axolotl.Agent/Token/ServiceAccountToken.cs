namespace Axolotl.Agent.Token;

/// <summary>A token the API server issued: the JWT, when it expires, and the lifetime asked for (the TokenRequest's spec.expirationSeconds).</summary>
public sealed record ServiceAccountToken(string Token, DateTimeOffset ExpirationTimestamp, long ExpirationSeconds)
{
    /// <summary>When it was issued, as the kubelet derives it: expiry minus the lifetime.</summary>
    public DateTimeOffset IssuedAt => ExpirationTimestamp.AddSeconds(-ExpirationSeconds);
}
