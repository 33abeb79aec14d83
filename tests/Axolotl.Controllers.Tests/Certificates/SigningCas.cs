using Axolotl.Controllers.Certificates;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.Certificates;

/// <summary>The cluster's client CA and the kubelet serving CA the signer tests issue from, and the signer's options.</summary>
internal sealed class SigningCas : IDisposable
{
    /// <summary>Whole seconds (certificates keep no more), and after the test CAs' start.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() + 60);

    public TestPki ClientCa { get; } = new("cluster-ca");

    public TestPki ServingCa { get; } = new("kubelet-ca");

    public CertificateSigningOptions Options => new() { ClientCa = ClientCa.Ca, ServingCa = ServingCa.Ca, Duration = TimeSpan.FromDays(365) };

    public void Dispose()
    {
        ClientCa.Dispose();
        ServingCa.Dispose();
    }
}
