using System.Net;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Tests.Security;

public sealed class ServingNamesTests
{
    private static readonly IPAddress[] Interfaces =
    [
        IPAddress.Parse("127.0.0.1"), IPAddress.Parse("192.168.1.20"), IPAddress.Parse("10.244.0.1"),
        IPAddress.Parse("10.96.0.10"), IPAddress.Parse("10.96.3.4"), // ClusterIPs the service proxy put on a link
        IPAddress.Parse("fe80::1%2"), IPAddress.Parse("2001:db8::5"),
    ];

    private static ServingNames Compute(string bind, ServingNames? extra = null) =>
        ServingNames.Compute(IPAddress.Parse(bind), "10.96.0.0/16", extra ?? ServingNames.None, "box", Interfaces);

    [Fact]
    public void A_wildcard_IPv4_bind_names_every_IPv4_interface_address_but_other_services_cluster_IPs()
    {
        var names = Compute("0.0.0.0");

        Assert.Equal(
            ["127.0.0.1", "::1", "10.96.0.1", "192.168.1.20", "10.244.0.1"],
            names.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void A_wildcard_IPv6_bind_names_both_families_without_zone_ids()
    {
        var names = Compute("::");

        Assert.Contains(IPAddress.Parse("fe80::1"), names.Addresses);
        Assert.Contains(IPAddress.Parse("2001:db8::5"), names.Addresses);
        Assert.Contains(IPAddress.Parse("192.168.1.20"), names.Addresses);
        Assert.DoesNotContain(names.Addresses, a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && a.ScopeId != 0);
    }

    [Fact]
    public void A_specific_bind_names_that_address_and_the_loopbacks_but_not_other_interfaces()
    {
        var names = Compute("192.168.1.20");

        Assert.Equal(["127.0.0.1", "::1", "10.96.0.1", "192.168.1.20"], names.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void Names_include_the_host_localhost_and_the_kubernetes_service_names_as_kube_apiserver_does()
    {
        var names = Compute("127.0.0.1");

        Assert.Equal(
            ["localhost", "box", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"],
            names.DnsNames);
    }

    [Fact]
    public void The_kubernetes_service_IP_is_the_first_address_of_the_service_CIDR()
    {
        var names = ServingNames.Compute(IPAddress.Loopback, "10.96.77.0/24", ServingNames.None, "box", []);

        Assert.Contains(IPAddress.Parse("10.96.77.1"), names.Addresses);
        Assert.DoesNotContain(IPAddress.Parse("10.96.0.1"), names.Addresses);
    }

    [Fact]
    public void Tls_sans_are_added_once_whether_repeated_or_comma_separated()
    {
        var extra = ServingNames.ParseTlsSans(["axolotl.example.test,10.96.77.77", " *.apps.example.test , 2001:db8::1", "axolotl.example.test"]);
        var names = Compute("127.0.0.1", extra);

        Assert.Equal(["axolotl.example.test", "*.apps.example.test", "axolotl.example.test"], extra.DnsNames);
        Assert.Equal([IPAddress.Parse("10.96.77.77"), IPAddress.Parse("2001:db8::1")], extra.Addresses);
        Assert.Single(names.DnsNames, "axolotl.example.test");
        Assert.Contains("*.apps.example.test", names.DnsNames);
        Assert.Contains(IPAddress.Parse("10.96.77.77"), names.Addresses);
    }

    [Theory]
    [InlineData("Bad_Name", "invalid --tls-san \"Bad_Name\": want a DNS name or an IP address: a lowercase RFC 1123 subdomain")]
    [InlineData("-leading.example", "invalid --tls-san \"-leading.example\": want a DNS name")]
    [InlineData("a..b", "invalid --tls-san \"a..b\"")]
    [InlineData("ok.example,", "invalid --tls-san \"\"")]
    [InlineData("10.96.77.777", "invalid --tls-san \"10.96.77.777\": not a valid IP address")]
    [InlineData("1.2", "invalid --tls-san \"1.2\": not a valid IP address")]
    [InlineData("2001:db8::zz", "invalid --tls-san \"2001:db8::zz\": not a valid IP address")]
    public void An_invalid_tls_san_is_refused_naming_the_flag_and_the_value(string value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ServingNames.ParseTlsSans([value]));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
