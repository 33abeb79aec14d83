namespace Axolotl.Api.Certificates;

/// <summary>The well-known signers a node uses, and the identity its certificates carry.</summary>
public static class KubeletSigners
{
    /// <summary>Client certificates a kubelet authenticates to the API server with.</summary>
    public const string Client = "kubernetes.io/kube-apiserver-client-kubelet";

    /// <summary>Serving certificates for the kubelet's own HTTPS endpoint.</summary>
    public const string Serving = "kubernetes.io/kubelet-serving";

    public const string NodeUserPrefix = "system:node:";

    public const string NodesGroup = "system:nodes";

    public const string BootstrappersGroup = "system:bootstrappers";

    /// <summary>The identity the API server presents to kubelets (kubeadm's apiserver-kubelet-client).</summary>
    public const string ApiServerKubeletClient = "kube-apiserver-kubelet-client";

    public const string UsageDigitalSignature = "digital signature";
    public const string UsageKeyEncipherment = "key encipherment";
    public const string UsageClientAuth = "client auth";
    public const string UsageServerAuth = "server auth";
}
