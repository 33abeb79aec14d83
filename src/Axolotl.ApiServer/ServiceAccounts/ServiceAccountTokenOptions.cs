namespace Axolotl.ApiServer.ServiceAccounts;

/// <summary>How service account tokens are issued and accepted (kube-apiserver's --service-account-* flags).</summary>
public sealed record ServiceAccountTokenOptions
{
    /// <summary>kubeadm's and k3s's default issuer.</summary>
    public const string DefaultIssuer = "https://kubernetes.default.svc.cluster.local";

    /// <summary>The iss claim (--service-account-issuer).</summary>
    public string Issuer { get; init; } = DefaultIssuer;

    /// <summary>The API server's audiences (--api-audiences; default: the issuer): a token must name one, and a TokenRequest without audiences gets these.</summary>
    public IReadOnlyList<string> ApiAudiences { get; init; } = [DefaultIssuer];

    /// <summary>
    /// --service-account-extend-token-expiration: a pod-bound token asked for the kubelet's 3607 s lives a
    /// year, with warnafter at 3607 s, so a node that misses refreshes does not break its pods at once.
    /// </summary>
    public bool ExtendExpiration { get; init; } = true;

    /// <summary>--service-account-max-token-expiration: longer requests are cut to it; null: no cap.</summary>
    public TimeSpan? MaxExpiration { get; init; }

    /// <summary>
    /// Testing only (--service-account-token-ttl-for-testing): every token lives this long whatever was
    /// asked, below the 10-minute minimum a request may name, so refresh can be seen in seconds.
    /// </summary>
    public TimeSpan? TestingTtl { get; init; }
}
