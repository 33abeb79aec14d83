namespace Axolotl.ApiServer.Aggregation;

/// <summary>
/// An APIService that names a Service (kube-aggregator's proxyHandlingInfo): where its group/version is proxied,
/// how the backend's certificate is checked, whether its Available condition is True, and how it sorts in discovery.
/// </summary>
public sealed record RemoteApiService(
    string Name,
    string Group,
    string Version,
    string ServiceNamespace,
    string ServiceName,
    int Port,
    byte[]? CaBundle,
    bool InsecureSkipTlsVerify,
    bool Available,
    int GroupPriorityMinimum,
    int VersionPriority)
{
    /// <summary>
    /// Why no TLS configuration can be made from the caBundle (client-go's words), or null. Not refused when the
    /// APIService was written (upstream's validation does not look), so every proxied request fails with it, a 500.
    /// </summary>
    public string? CaBundleProblem { get; init; }

    /// <summary>"group/version" ("v1" for the legacy group).</summary>
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name the backend's serving certificate must carry, as kube-aggregator's transport checks it.</summary>
    public string ServerName => $"{ServiceName}.{ServiceNamespace}.svc";
}
