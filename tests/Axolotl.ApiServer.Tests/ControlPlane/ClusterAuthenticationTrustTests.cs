using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.ControlPlane;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.ControlPlane;

public sealed class ClusterAuthenticationTrustTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ObjectStore _objects = new(new InMemoryStore());
    private readonly TestPki _clientCa = new("client-ca");
    private readonly TestPki _frontProxyCa = new("front-proxy-ca");

    private ClusterAuthenticationInfo Required => new([_clientCa.Ca], [_frontProxyCa.Ca], ["front-proxy-client"], ["X-Remote-User"], ["X-Remote-Group"], ["X-Remote-Extra-"]);

    private static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    [Fact]
    public void A_fresh_ConfigMap_holds_both_CAs_and_the_requestheader_settings_as_JSON_arrays()
    {
        var data = ClusterAuthenticationInfo.Combine(null, Required, DateTimeOffset.UtcNow);

        Assert.Equal(new Dictionary<string, string>
        {
            ["client-ca-file"] = Pem(_clientCa.Ca),
            ["requestheader-client-ca-file"] = Pem(_frontProxyCa.Ca),
            ["requestheader-allowed-names"] = """["front-proxy-client"]""",
            ["requestheader-username-headers"] = """["X-Remote-User"]""",
            ["requestheader-group-headers"] = """["X-Remote-Group"]""",
            ["requestheader-extra-headers-prefix"] = """["X-Remote-Extra-"]""",
        }, data);
    }

    [Fact]
    public void What_the_ConfigMap_holds_already_is_kept_first_and_ours_added_without_duplicates()
    {
        using var other = new TestPki("other-front-proxy-ca");
        var existing = new Dictionary<string, string>
        {
            ["client-ca-file"] = Pem(_clientCa.Ca),
            ["requestheader-client-ca-file"] = Pem(other.Ca),
            ["requestheader-allowed-names"] = """["other-proxy","front-proxy-client"]""",
            ["requestheader-username-headers"] = "not json",
            ["unrelated"] = "dropped, as upstream writes the whole data",
        };

        var data = ClusterAuthenticationInfo.Combine(existing, Required, DateTimeOffset.UtcNow);

        Assert.Equal(Pem(_clientCa.Ca), data["client-ca-file"]);
        Assert.Equal(Pem(other.Ca) + Pem(_frontProxyCa.Ca), data["requestheader-client-ca-file"]);
        Assert.Equal("""["other-proxy","front-proxy-client"]""", data["requestheader-allowed-names"]);
        Assert.Equal("""["X-Remote-User"]""", data["requestheader-username-headers"]);
        Assert.False(data.ContainsKey("unrelated"));
    }

    [Fact]
    public void A_certificate_expired_more_than_five_minutes_ago_is_dropped()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        using var expired = new CertificateRequest("CN=old-ca", key, HashAlgorithmName.SHA256).CreateSelfSigned(now.AddDays(-10), now.AddMinutes(-6));
        using var justExpired = new CertificateRequest("CN=recent-ca", key, HashAlgorithmName.SHA256).CreateSelfSigned(now.AddDays(-10), now.AddMinutes(-4));

        var data = ClusterAuthenticationInfo.Combine(new Dictionary<string, string> { ["client-ca-file"] = Pem(expired) + Pem(justExpired) }, Required, now);

        Assert.Equal(Pem(justExpired) + Pem(_clientCa.Ca), data["client-ca-file"]);
    }

    [Fact]
    public void Without_a_requestheader_CA_only_the_client_CA_is_published()
    {
        var data = ClusterAuthenticationInfo.Combine(null, Required with { RequestHeaderCa = [] }, DateTimeOffset.UtcNow);

        Assert.Equal(["client-ca-file"], data.Keys);
    }

    [Fact]
    public async Task The_ConfigMap_is_created_in_kube_system_and_restored_after_someone_changed_it()
    {
        var trust = new ClusterAuthenticationTrust(_objects, new AdmissionChain(), _clock, NullLogger.Instance, Required);

        await trust.ReconcileAsync(CancellationToken.None);
        var created = await _objects.GetRequiredAsync(KnownResources.ConfigMaps, "kube-system", "extension-apiserver-authentication", CancellationToken.None);
        Assert.Equal("""["front-proxy-client"]""", created.Object["data"]!["requestheader-allowed-names"]!.GetValue<string>());

        // Nothing changed: nothing written.
        await trust.ReconcileAsync(CancellationToken.None);
        Assert.Equal(created.Revision, (await _objects.GetRequiredAsync(KnownResources.ConfigMaps, "kube-system", "extension-apiserver-authentication", CancellationToken.None)).Revision);

        var emptied = created.Object.DeepClone().AsObject();
        emptied["data"] = new JsonObject();
        await _objects.UpdateAsync(KnownResources.ConfigMaps, emptied, created.Revision, CancellationToken.None);
        await trust.ReconcileAsync(CancellationToken.None);

        var restored = await _objects.GetRequiredAsync(KnownResources.ConfigMaps, "kube-system", "extension-apiserver-authentication", CancellationToken.None);
        Assert.Equal(6, restored.Object["data"]!.AsObject().Count);
        Assert.Equal(Pem(_frontProxyCa.Ca), restored.Object["data"]!["requestheader-client-ca-file"]!.GetValue<string>());
    }

    public void Dispose()
    {
        _clientCa.Dispose();
        _frontProxyCa.Dispose();
    }
}
