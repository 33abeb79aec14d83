namespace Axolotl.ApiServer.Tests.Printing;

public class EndpointsPrinterTests
{
    [Fact]
    public void EndpointsListAddressPortPairsAndCutAtThree()
    {
        var ep = Printed.Of("", "Endpoints", """
            {"metadata":{"name":"web"},"subsets":[
              {"addresses":[{"ip":"10.244.0.5"},{"ip":"10.244.0.6"}],"ports":[{"port":8080}]},
              {"addresses":[{"ip":"10.244.1.7"},{"ip":"10.244.1.8"}],"ports":[{"port":8080}]}]}
            """);

        Assert.Equal("10.244.0.5:8080,10.244.0.6:8080,10.244.1.7:8080 + 1 more...", ep["Endpoints"]);
    }

    [Fact]
    public void EndpointsWithoutSubsetsPrintNone() =>
        Assert.Equal("<none>", Printed.Of("", "Endpoints", """{"metadata":{"name":"web"}}""")["Endpoints"]);

    [Fact]
    public void AddressesWithoutPortsAndIPv6AddressesPrintAsUpstreamJoinsThem()
    {
        Assert.Equal("10.0.0.1,10.0.0.2", Printed.Of("", "Endpoints", """
            {"metadata":{"name":"headless"},"subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}]}]}
            """)["Endpoints"]);
        Assert.Equal("[fd00::5]:80", Printed.Of("", "Endpoints", """
            {"metadata":{"name":"v6"},"subsets":[{"addresses":[{"ip":"fd00::5"}],"ports":[{"port":80}]}]}
            """)["Endpoints"]);
    }

    [Fact]
    public void EndpointSlicesListPortsAndAddressesOrUnset()
    {
        var slice = Printed.Of("discovery.k8s.io", "EndpointSlice", """
            {"metadata":{"name":"web-abc"},"addressType":"IPv4",
             "ports":[{"name":"http","port":80},{"name":"https","port":443},{"name":"all"},{"port":9000},{"port":9001}],
             "endpoints":[{"addresses":["10.0.0.1"]},{"addresses":["10.0.0.2","10.0.0.3"]},{"addresses":["10.0.0.4"]}]}
            """);

        Assert.Equal("IPv4", slice["AddressType"]);
        Assert.Equal("80,443,all + 2 more...", slice["Ports"]);
        Assert.Equal("10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", slice["Endpoints"]);

        var empty = Printed.Of("discovery.k8s.io", "EndpointSlice", """{"metadata":{"name":"e"},"addressType":"IPv4"}""");
        Assert.Equal("<unset>", empty["Ports"]);
        Assert.Equal("<unset>", empty["Endpoints"]);
    }
}
