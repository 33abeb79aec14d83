using Axolotl.Storage.Etcd;

namespace Axolotl.Storage.Tests.Etcd;

public sealed class RegistryKeyLayoutTests
{
    private static readonly RegistryKeyLayout Layout = new("/registry",
        ["pods", "services", "endpoints", "nodes", "replicationcontrollers", "apps/deployments", "coordination.k8s.io/leases", "networking.k8s.io/ingresses", "events"]);

    [Theory]
    [InlineData("/pods/default/web", "/registry/pods/default/web")]
    [InlineData("/apps/deployments/default/web", "/registry/deployments/default/web")]
    [InlineData("/coordination.k8s.io/leases/kube-node-lease/n1", "/registry/leases/kube-node-lease/n1")]
    [InlineData("/services/default/web", "/registry/services/specs/default/web")]
    [InlineData("/endpoints/default/web", "/registry/services/endpoints/default/web")]
    [InlineData("/nodes/n1", "/registry/minions/n1")]
    [InlineData("/replicationcontrollers/default/rc", "/registry/controllers/default/rc")]
    [InlineData("/networking.k8s.io/ingresses/default/web", "/registry/ingress/default/web")]
    [InlineData("/stable.example.com/crontabs/default/c", "/registry/stable.example.com/crontabs/default/c")]
    [InlineData("/apiextensions.k8s.io/customresourcedefinitions/x", "/registry/apiextensions.k8s.io/customresourcedefinitions/x")]
    public void Keys_follow_kube_apiservers_layout_and_map_back(string key, string etcdKey)
    {
        Assert.Equal(etcdKey, Layout.ToEtcd(key));
        Assert.Equal(etcdKey[..(etcdKey.LastIndexOf('/') + 1)], Layout.PrefixToEtcd(key[..(key.LastIndexOf('/') + 1)]));
    }

    [Theory]
    [InlineData("/registry/deployments/default/web", "/apps/deployments/default/web")]
    [InlineData("/registry/services/specs/default/web", "/services/default/web")]
    [InlineData("/registry/services/endpoints/default/web", "/endpoints/default/web")]
    [InlineData("/registry/minions/n1", "/nodes/n1")]
    [InlineData("/registry/pods/default/web", "/pods/default/web")]
    [InlineData("/other/x", null)]
    public void Etcd_keys_map_back_to_store_keys_without_knowing_the_prefix(string etcdKey, string? key)
    {
        Assert.Equal(key, Layout.FromEtcd(etcdKey));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/apps/")]
    [InlineData("/po")]
    public void A_prefix_that_spans_resources_has_no_single_etcd_prefix(string prefix)
    {
        Assert.Null(Layout.PrefixToEtcd(prefix));
    }

    [Theory]
    [InlineData("http://127.0.0.1:2379", "http://127.0.0.1:2379/")]
    [InlineData(" http://127.0.0.1:2379/ ,http://127.0.0.1:2479", "http://127.0.0.1:2379/ http://127.0.0.1:2479/")]
    [InlineData("https://127.0.0.1:2379,https://etcd-1:2379", "https://127.0.0.1:2379/ https://etcd-1:2379/")]
    public void Datastore_endpoints_parse(string text, string expected)
    {
        Assert.Equal(expected, string.Join(' ', EtcdStoreOptions.ParseEndpoints(text)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ftp://127.0.0.1:2379")]
    [InlineData("http://127.0.0.1:2379,https://127.0.0.1:2479")]
    [InlineData("127.0.0.1:2379")]
    [InlineData("http://127.0.0.1:2379/v3")]
    [InlineData("sqlite:///tmp/x.db")]
    public void Bad_datastore_endpoints_are_refused_with_the_flag_named(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => EtcdStoreOptions.ParseEndpoints(text));
        Assert.Contains("--datastore-endpoint", error.Message);
    }
}
