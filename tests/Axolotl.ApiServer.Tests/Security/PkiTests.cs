using System.Net;
using System.Security.Cryptography.X509Certificates;
using Axolotl.ApiServer.Security;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Security;

public sealed class PkiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("axolotl-pki-test-").FullName;
    private readonly FakeTimeProvider _clock = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Pki Load(params string[] tlsSans) =>
        Pki.LoadOrCreate(_dir, _clock, ["localhost", "kubernetes.default.svc", .. tlsSans.Where(s => !IPAddress.TryParse(s, out _))],
            [IPAddress.Loopback, .. tlsSans.Where(s => IPAddress.TryParse(s, out _)).Select(IPAddress.Parse)]);

    private static X509SubjectAlternativeNameExtension San(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();

    [Fact]
    public void The_serving_certificate_names_every_name_and_address_and_is_signed_by_the_cluster_CA()
    {
        var pki = Load("axolotl.example.test", "10.96.77.77");

        Assert.Equal(["localhost", "kubernetes.default.svc", "axolotl.example.test"], San(pki.Serving).EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("10.96.77.77")], San(pki.Serving).EnumerateIPAddresses());
        Assert.Equal(pki.Ca.Subject, pki.Serving.Issuer);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(pki.Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _clock.GetUtcNow().UtcDateTime;
        Assert.True(chain.Build(pki.Serving), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(File.Exists(Path.Combine(_dir, "pki", "apiserver.crt")));
    }

    [Fact]
    public void A_restart_with_the_same_names_keeps_the_certificate()
    {
        var first = Load("axolotl.example.test");
        var second = Load("axolotl.example.test");

        Assert.Equal(first.Serving.Thumbprint, second.Serving.Thumbprint);
    }

    [Fact]
    public void A_restart_with_fewer_names_keeps_the_certificate_that_still_covers_them()
    {
        var first = Load("axolotl.example.test", "10.96.77.77");
        var second = Load();

        Assert.Equal(first.Serving.Thumbprint, second.Serving.Thumbprint);
    }

    [Theory]
    [InlineData("new.example.test")]
    [InlineData("10.96.77.78")]
    public void A_name_or_address_the_certificate_lacks_makes_a_new_one_under_the_same_CA(string added)
    {
        var first = Load("axolotl.example.test");
        var second = Load("axolotl.example.test", added);

        Assert.NotEqual(first.Serving.Thumbprint, second.Serving.Thumbprint);
        Assert.Equal(first.Ca.Thumbprint, second.Ca.Thumbprint);
        Assert.True(San(second.Serving).EnumerateDnsNames().Contains(added) || San(second.Serving).EnumerateIPAddresses().Contains(IPAddress.Parse(added)));
        var onDisk = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "pki", "apiserver.crt")));
        Assert.Equal(second.Serving.Thumbprint, onDisk.Thumbprint);
    }

    [Fact]
    public void A_certificate_within_30_days_of_expiry_is_made_anew()
    {
        var first = Load();
        _clock.Advance(TimeSpan.FromDays(340));
        var second = Load();

        Assert.NotEqual(first.Serving.Thumbprint, second.Serving.Thumbprint);
        Assert.True(second.Serving.NotAfter.ToUniversalTime() > _clock.GetUtcNow().UtcDateTime.AddDays(300));
    }
}
