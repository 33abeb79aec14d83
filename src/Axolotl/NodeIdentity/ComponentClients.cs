using Axolotl.ApiServer.Security;
using Axolotl.Client;

namespace Axolotl.NodeIdentity;

/// <summary>
/// Clients for the components `axolotl server` runs in process, each under its own identity (as
/// kube-controller-manager, kube-scheduler and kube-proxy each have their own kubeconfig): a client
/// certificate from the cluster CA naming the component's user, issued in memory at every start and
/// authorized by that user's bootstrap ClusterRole, never the admin token.
/// </summary>
public static class ComponentClients
{
    /// <summary>Long enough to outlive any run; a restart issues a fresh one. The CA's own expiry caps it.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(3650);

    public static KubeClient Create(Uri server, Pki pki, string user, TimeProvider clock)
    {
        var certificate = Pki.IssueClientCertificate(pki.Ca, user, [], clock.GetUtcNow(), Lifetime);
        return new KubeClient(new KubeClientOptions
        {
            Server = server,
            Handler = ApiServerTls.CreateHandler(pki.CaPem, new RotatingCertificate(certificate, file: ""), clock),
            UserAgent = $"axolotl/v0.1.0 ({user})",
        });
    }
}
