using Axolotl.Api.Core;

namespace Axolotl.Proxy.Ingress;

/// <summary>
/// Where the edge controllers (Ingress and Gateway API) read the TLS Secrets their objects name. On the server's node,
/// one informer of every Secret (<see cref="InformerTlsSecretSource"/>); on a joined node, whose identity may read only
/// the Secrets an Ingress or Gateway names, one get-and-watch per named Secret (<see cref="TlsSecretWatchManager"/>), as
/// the kubelet reads its pods' Secrets. A sync pass asks for what it needs through <see cref="Get"/> and then calls
/// <see cref="EndPass"/>; a change to anything asked for wakes the controller.
/// </summary>
public interface ITlsSecretSource : IAsyncDisposable
{
    /// <summary>The Secret, or null when it does not exist, may not be read, or has not been read yet (see <see cref="Pending"/>).</summary>
    Secret? Get(string ns, string name);

    /// <summary>True while a Secret asked for since the last <see cref="EndPass"/> has not had its first answer: the pass's view is incomplete.</summary>
    bool Pending { get; }

    /// <summary>The end of a sync pass: Secrets not asked for during it are no longer followed.</summary>
    void EndPass();

    /// <summary>Calls <paramref name="wake"/> whenever a Secret it may serve changes; dispose to stop.</summary>
    IDisposable OnChange(Action wake);

    /// <summary>Completes once the source can answer (the informer listed; at once for per-name watches).</summary>
    Task WaitForSyncAsync(CancellationToken ct);
}
