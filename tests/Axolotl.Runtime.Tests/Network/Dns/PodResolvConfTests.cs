using Axolotl.Api.Core;
using Axolotl.Runtime.Network.Dns;

namespace Axolotl.Runtime.Tests.Network.Dns;

public sealed class PodResolvConfTests
{
    private static readonly ResolvConf Node = ResolvConf.Parse("# node\nnameserver 198.18.0.53\nnameserver 198.18.0.54\nsearch corp.example lab.example\noptions timeout:2 rotate\n");

    private static string Write(string? policy, bool hostNetwork = false, PodDNSConfig? config = null) =>
        PodResolvConf.Format(PodResolvConf.Decide(policy, hostNetwork, config, "shop", "10.244.3.1", "cluster.local", Node));

    [Fact]
    public void ClusterFirst_names_the_cluster_dns_the_cluster_search_list_then_the_nodes_and_ndots_5()
    {
        Assert.Equal("search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\nnameserver 10.244.3.1\noptions ndots:5\n", Write("ClusterFirst"));
        Assert.Equal(Write("ClusterFirst"), Write(null));
    }

    [Fact]
    public void Default_and_ClusterFirst_on_the_host_network_get_the_nodes_file()
    {
        const string nodeFile = "search corp.example lab.example\nnameserver 198.18.0.53\nnameserver 198.18.0.54\noptions timeout:2 rotate\n";

        Assert.Equal(nodeFile, Write("Default"));
        Assert.Equal(nodeFile, Write("ClusterFirst", hostNetwork: true));
        Assert.Equal(Write("ClusterFirst"), Write("ClusterFirstWithHostNet", hostNetwork: true));
    }

    [Fact]
    public void None_is_only_the_dns_config()
    {
        var config = new PodDNSConfig { Nameservers = ["192.0.2.53"], Searches = ["a.example"], Options = [new() { Name = "ndots", Value = "2" }, new() { Name = "edns0" }] };

        Assert.Equal("search a.example\nnameserver 192.0.2.53\noptions ndots:2 edns0\n", Write("None", config: config));
    }

    [Fact]
    public void Dns_config_is_appended_without_duplicates_and_its_options_override_by_name()
    {
        var config = new PodDNSConfig
        {
            Nameservers = ["10.244.3.1", "192.0.2.53"],
            Searches = ["cluster.local", "extra.example"],
            Options = [new() { Name = "ndots", Value = "1" }, new() { Name = "single-request-reopen" }],
        };

        Assert.Equal("search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example extra.example\n" +
            "nameserver 10.244.3.1\nnameserver 192.0.2.53\noptions ndots:1 single-request-reopen\n", Write("ClusterFirst", config: config));
    }

    [Fact]
    public void More_than_three_nameservers_keep_the_first_three()
    {
        var config = new PodDNSConfig { Nameservers = ["192.0.2.1", "192.0.2.2", "192.0.2.3"] };

        Assert.Equal(["198.18.0.53", "198.18.0.54", "192.0.2.1"], PodResolvConf.Decide("Default", false, config, "shop", "10.244.3.1", "cluster.local", Node).Nameservers);
    }

    [Fact]
    public void A_node_file_naming_only_systemd_resolveds_stub_is_replaced_by_its_upstream_list()
    {
        var dir = Directory.CreateTempSubdirectory("resolv-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "stub"), "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n");
            File.WriteAllText(Path.Combine(dir, "upstream"), "nameserver 198.18.0.53\nsearch lan\n");

            var conf = ResolvConf.Load(Path.Combine(dir, "stub"), Path.Combine(dir, "upstream"));

            Assert.Equal(["198.18.0.53"], conf.Nameservers);
            Assert.Equal(["lan"], conf.Searches);
            Assert.Same(ResolvConf.Empty, ResolvConf.Load(""));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
