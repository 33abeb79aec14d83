using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Client;
using Axolotl.Controllers.RootCaCertPublisher;
using Axolotl.Controllers.ServiceAccounts;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.Controllers.Tests.ServiceAccounts;

/// <summary>The serviceaccounts controller and the root CA publisher against the real API server over HTTPS.</summary>
[Trait("Category", "Integration")]
public sealed class ServiceAccountControllersIntegrationTests : IAsyncLifetime
{
    private const string Ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    private InProcessCluster? _cluster;
    private ServiceAccountsController? _accounts;
    private RootCaCertPublisher.RootCaCertPublisher? _publisher;

    private KubeClient Client => _cluster!.Client;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync();
        _accounts = new ServiceAccountsController(Client, NullLoggerFactory.Instance, TimeProvider.System);
        _publisher = new RootCaCertPublisher.RootCaCertPublisher(Client, Ca, NullLoggerFactory.Instance, TimeProvider.System);
        _accounts.Start(CancellationToken.None);
        _publisher.Start(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _accounts!.DisposeAsync();
        await _publisher!.DisposeAsync();
        await _cluster!.DisposeAsync();
    }

    [Fact]
    public async Task A_new_namespace_gets_its_default_account_and_CA_and_gets_them_back_after_deletion_or_an_edit()
    {
        await Client.CreateAsync(new Api.Core.Namespace { Metadata = new ObjectMeta { Name = "team" } }, CancellationToken.None);

        await Eventually.UntilAsync(() => Client.Resource<ServiceAccount>().TryGetAsync("team", "default", CancellationToken.None), sa => sa is not null, "the default ServiceAccount");
        var cm = await Eventually.UntilAsync(() => Client.Resource<ConfigMap>().TryGetAsync("team", RootCaCertReconciler.ConfigMapName, CancellationToken.None), c => c is not null, "kube-root-ca.crt");
        Assert.Equal(Ca, cm!.Data![RootCaCertReconciler.DataKey]);
        Assert.Equal(RootCaCertReconciler.Description, cm.Metadata.Annotations![RootCaCertReconciler.DescriptionAnnotation]);

        await Client.Resource<ServiceAccount>().DeleteAsync("team", "default", null, CancellationToken.None);
        await Eventually.UntilAsync(() => Client.Resource<ServiceAccount>().TryGetAsync("team", "default", CancellationToken.None), sa => sa is not null, "the default ServiceAccount again");

        await Client.Resource<ConfigMap>().PatchAsync("team", RootCaCertReconciler.ConfigMapName, PatchType.Merge, """{"data":{"ca.crt":"forged"}}""", CancellationToken.None);
        await Eventually.UntilAsync(() => Client.Resource<ConfigMap>().TryGetAsync("team", RootCaCertReconciler.ConfigMapName, CancellationToken.None),
            c => c?.Data?[RootCaCertReconciler.DataKey] == Ca, "kube-root-ca.crt repaired");
    }

    [Fact]
    public async Task The_system_namespaces_have_them_too()
    {
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            await Eventually.UntilAsync(() => Client.Resource<ServiceAccount>().TryGetAsync(ns, "default", CancellationToken.None), sa => sa is not null, $"default in {ns}");
            await Eventually.UntilAsync(() => Client.Resource<ConfigMap>().TryGetAsync(ns, RootCaCertReconciler.ConfigMapName, CancellationToken.None), c => c is not null, $"the CA in {ns}");
        }
    }
}
