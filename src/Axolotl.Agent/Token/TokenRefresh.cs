namespace Axolotl.Agent.Token;

/// <summary>
/// The kubelet token manager's refresh rule, as a pure decision: a token is renewed once 80 % of
/// its life has passed or it is 24 hours old, whichever comes first, each less a jitter of up to
/// 10 s so that a node's tokens do not all renew at once.
/// </summary>
public static class TokenRefresh
{
    public static readonly TimeSpan MaxTtl = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxJitter = TimeSpan.FromSeconds(10);

    /// <param name="jitter">A fraction in [0, 1) of <see cref="MaxJitter"/>.</param>
    public static bool RequiresRefresh(ServiceAccountToken token, DateTimeOffset now, double jitter)
    {
        var margin = TimeSpan.FromSeconds(Math.Floor(jitter * MaxJitter.TotalSeconds));
        if (now > token.IssuedAt + MaxTtl - margin)
        {
            return true;
        }
        var fifth = TimeSpan.FromSeconds(token.ExpirationSeconds * 20 / 100);
        return now > token.ExpirationTimestamp - fifth - margin;
    }
}
