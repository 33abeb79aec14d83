using Axolotl.Api.Core;
using Axolotl.Api.Networking;
using Axolotl.ApiServer.Security;
using Axolotl.Client;
using Axolotl.Proxy.Ingress;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Proxy.Tests.Ingress;

/// <summary>
/// A joined node's edge controllers read TLS Secrets one by one, against the real API server and as their own
/// identity (system:axolotl-ingress-controller:NODE): the Secret an Ingress names arrives and follows its changes, one
/// nobody names is answered (refused) rather than left pending, and a Secret no longer asked for stops being followed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TlsSecretWatchManagerTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;
    private KubeClient _edge = null!;

    private KubeClient Admin => _cluster.Client;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        var certificate = Pki.IssueClientCertificate(_cluster.Host.Pki.Ca, "system:axolotl-ingress-controller:edge-node", ["system:axolotl-ingress-controllers"],
            TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(1));
        _edge = new KubeClient(new KubeClientOptions { Server = _cluster.Host.LoopbackUrl, CertificateAuthorityPem = _cluster.Host.Pki.CaPem, ClientCertificate = certificate });
        var ct = CancellationToken.None;
        await Admin.CreateAsync(new Node { Metadata = new() { Name = "edge-node" } }, ct);
        await Admin.CreateAsync(new Namespace { Metadata = new() { Name = "web" } }, ct);
        await Admin.CreateAsync(IngressClassSelection.ClassToCreate([])!, ct);
        await Admin.CreateAsync(new Api.Networking.Ingress
        {
            Metadata = new() { Name = "site", Namespace = "web" },
            Spec = new IngressSpec
            {
                Tls = [new IngressTLS { Hosts = ["site.example"], SecretName = "site-tls" }],
                DefaultBackend = new IngressBackend { Service = new IngressServiceBackend { Name = "site", Port = new ServiceBackendPort { Number = 80 } } },
            },
        }, ct);
        await Admin.CreateAsync(Secret("site-tls", "one"), ct);
        await Admin.CreateAsync(Secret("db-password", "hunter2"), ct);
    }

    public async Task DisposeAsync()
    {
        _edge.Dispose();
        await _cluster.DisposeAsync();
    }

    private static Secret Secret(string name, string value) => new()
    {
        Metadata = new() { Name = name, Namespace = "web" },
        Type = "Opaque",
        Data = new() { ["tls.crt"] = System.Text.Encoding.ASCII.GetBytes(value) },
    };

    [Fact]
    public async Task A_named_secret_is_followed_by_name_and_an_unnamed_one_is_answered_without_it()
    {
        await using var manager = new TlsSecretWatchManager(_edge, TimeProvider.System, NullLogger.Instance, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200),
            CancellationToken.None);
        var wakes = 0;
        using var registration = manager.OnChange(() => Interlocked.Increment(ref wakes));

        Assert.Null(manager.Get("web", "site-tls"));
        Assert.Null(manager.Get("web", "db-password"));
        Assert.True(manager.Pending);
        await Eventually.TrueAsync(() => !manager.Pending, "both Secrets answered");
        Assert.Equal("one", System.Text.Encoding.ASCII.GetString(manager.Get("web", "site-tls")!.Data!["tls.crt"]));
        // Refused by the ingress controller authorizer: answered, with no Secret.
        Assert.Null(manager.Get("web", "db-password"));
        Assert.True(Volatile.Read(ref wakes) >= 2);

        var stored = await Admin.Resource<Secret>().GetAsync("web", "site-tls", CancellationToken.None);
        stored.Data!["tls.crt"] = System.Text.Encoding.ASCII.GetBytes("two");
        await Admin.UpdateAsync(stored, CancellationToken.None);
        await Eventually.TrueAsync(() => manager.Get("web", "site-tls")?.Data?["tls.crt"] is { } crt && System.Text.Encoding.ASCII.GetString(crt) == "two",
            "the update to arrive through the watch");

        manager.EndPass();
        _ = manager.Get("web", "site-tls");
        manager.EndPass();
        Assert.Equal([("web", "site-tls")], manager.Followed);

        await Admin.DeleteAsync<Secret>("web", "site-tls", null, CancellationToken.None);
        await Eventually.TrueAsync(() => manager.Get("web", "site-tls") is null, "the deletion to arrive through the watch");
    }
}
