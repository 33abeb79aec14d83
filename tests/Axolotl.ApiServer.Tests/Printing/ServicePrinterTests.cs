namespace Axolotl.ApiServer.Tests.Printing;

public class ServicePrinterTests
{
    private static Printed Service(string spec, string status = "{}") => Printed.Of("", "Service", $$"""
        {"metadata":{"name":"web","namespace":"default","creationTimestamp":"2025-01-01T09:00:00Z"},"spec":{{spec}},"status":{{status}}}
        """);

    [Fact]
    public void AClusterIPServicePrintsItsAddressPortsAndSelector()
    {
        var svc = Service("""
            {"type":"ClusterIP","clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"],
             "ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"},{"name":"dns","port":53,"protocol":"UDP"}],
             "selector":{"tier":"frontend","app":"web"}}
            """);

        Assert.Equal("ClusterIP", svc["Type"]);
        Assert.Equal("10.96.0.20", svc["Cluster-IP"]);
        Assert.Equal("<none>", svc["External-IP"]);
        Assert.Equal("80/TCP,53/UDP", svc["Port(s)"]);
        Assert.Equal("3h", svc["Age"]);
        Assert.Equal("app=web,tier=frontend", svc["Selector"]);
    }

    [Fact]
    public void ANodePortServicePrintsPortColonNodePort() =>
        Assert.Equal("80:30080/TCP", Service("""{"type":"NodePort","clusterIPs":["10.96.0.21"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]}""")["Port(s)"]);

    [Fact]
    public void ALoadBalancerWithoutIngressIsPending() =>
        Assert.Equal("<pending>", Service("""{"type":"LoadBalancer","ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}""")["External-IP"]);

    [Fact]
    public void ALoadBalancerListsItsIngressThenItsExternalIPs()
    {
        var svc = Service("""{"type":"LoadBalancer","externalIPs":["203.0.113.9"]}""",
            """{"loadBalancer":{"ingress":[{"ip":"198.51.100.7"},{"hostname":"lb.example.com"}]}}""");

        Assert.Equal("198.51.100.7,lb.example.com,203.0.113.9", svc["External-IP"]);
    }

    [Fact]
    public void AnExternalNameServiceShowsTheNameAndNoPortsOrAddress()
    {
        var svc = Service("""{"type":"ExternalName","externalName":"db.example.com"}""");

        Assert.Equal("db.example.com", svc["External-IP"]);
        Assert.Equal("<none>", svc["Cluster-IP"]);
        Assert.Equal("<none>", svc["Port(s)"]);
        Assert.Equal("<none>", svc["Selector"]);
    }

    [Fact]
    public void AHeadlessServiceShowsNoneAsItsClusterIP() =>
        Assert.Equal("None", Service("""{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"]}""")["Cluster-IP"]);

    [Fact]
    public void ExternalIPsOfAClusterIPServiceAreListed() =>
        Assert.Equal("1.2.3.4,5.6.7.8", Service("""{"type":"ClusterIP","externalIPs":["1.2.3.4","5.6.7.8"]}""")["External-IP"]);
}
