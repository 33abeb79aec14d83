using System.Security.Cryptography.X509Certificates;

namespace Axolotl.Controllers.Certificates;

/// <summary>The CAs (with their private keys) the kubelet signers sign with, and how long certificates last.</summary>
public sealed record CertificateSigningOptions
{
    /// <summary>Signs kubernetes.io/kube-apiserver-client-kubelet: the CA the API server trusts for client certificates.</summary>
    public required X509Certificate2 ClientCa { get; init; }

    /// <summary>
    /// Signs kubernetes.io/kubelet-serving. A CA of its own, trusted only by the API server for agents,
    /// so a node's serving certificate can never pass as the API server's to anyone who trusts the cluster CA.
    /// </summary>
    public required X509Certificate2 ServingCa { get; init; }

    /// <summary>The longest certificate issued (kube-controller-manager's --cluster-signing-duration, 1 year).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromDays(365);
}
