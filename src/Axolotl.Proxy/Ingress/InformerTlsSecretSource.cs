using Axolotl.Api.Core;
using Axolotl.Client.Informers;

namespace Axolotl.Proxy.Ingress;

/// <summary>TLS Secrets from a shared informer of every Secret: the server's node, whose controllers may list them all.</summary>
public sealed class InformerTlsSecretSource(SharedInformer<Secret> secrets) : ITlsSecretSource
{
    public Secret? Get(string ns, string name) => secrets.Lister.Get(ns, name);

    public bool Pending => false;

    public void EndPass()
    {
    }

    public IDisposable OnChange(Action wake) =>
        secrets.AddEventHandler(new ResourceEventHandler<Secret>(s => WakeIfTls(s, wake), (old, s) =>
        {
            // A Secret that stops holding a certificate (its type changed) must take its certificate away too.
            if (TlsSecretReader.MayHoldCertificate(old) || TlsSecretReader.MayHoldCertificate(s))
            {
                wake();
            }
        }, s => WakeIfTls(s, wake)));

    public Task WaitForSyncAsync(CancellationToken ct) => secrets.WaitForSyncAsync(ct);

    /// <summary>Only Secrets that can hold a certificate wake the loop; service account tokens and the like do not.</summary>
    private static void WakeIfTls(Secret secret, Action wake)
    {
        if (TlsSecretReader.MayHoldCertificate(secret))
        {
            wake();
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
