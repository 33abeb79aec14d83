using Axolotl.Hosting.Network;

namespace Axolotl.ApiServer.Backends;

/// <summary>Go's wording of a failed call to a backend: refused connections and certificates not trusted.</summary>
public static class BackendErrors
{
    /// <summary>The error Go's transport would give for <paramref name="e"/>; <paramref name="target"/> is the host:port dialled.</summary>
    public static string Describe(HttpRequestException e, string target, string? tlsFailure) =>
        GoNetErrors.Describe(e, target, tlsFailure ?? "tls: failed to verify certificate: x509: certificate signed by unknown authority");
}
