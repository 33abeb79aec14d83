namespace Axolotl.ApiServer.Tests.Printing;

public class ConfigPrinterTests
{
    [Fact]
    public void AConfigMapCountsDataAndBinaryData() =>
        Assert.Equal(3, Printed.Of("", "ConfigMap", """{"metadata":{"name":"cfg"},"data":{"a":"1","b":"2"},"binaryData":{"c":"AAE="}}""").Int("Data"));

    [Fact]
    public void ASecretPrintsItsTypeAndKeyCount()
    {
        var secret = Printed.Of("", "Secret", """{"metadata":{"name":"tls"},"type":"kubernetes.io/tls","data":{"tls.crt":"eA==","tls.key":"eQ=="}}""");

        Assert.Equal("kubernetes.io/tls", secret["Type"]);
        Assert.Equal(2, secret.Int("Data"));
    }

    [Fact]
    public void AServiceAccountCountsItsSecrets() =>
        Assert.Equal(0, Printed.Of("", "ServiceAccount", """{"metadata":{"name":"default"}}""").Int("Secrets"));

    [Fact]
    public void ANamespacePrintsItsPhase() =>
        Assert.Equal("Terminating", Printed.Of("", "Namespace", """{"metadata":{"name":"old"},"status":{"phase":"Terminating"}}""")["Status"]);

    [Fact]
    public void AResourceQuotaSplitsRequestsFromLimitsInSortedOrder()
    {
        var quota = Printed.Of("", "ResourceQuota", """
            {"metadata":{"name":"compute"},"status":{
               "hard":{"pods":"10","requests.cpu":"1","limits.memory":"2Gi","limits.cpu":"2","requests.memory":"1Gi"},
               "used":{"pods":"1","requests.cpu":"250m","limits.cpu":"500m","requests.memory":"0","limits.memory":"256Mi"}}}
            """);

        Assert.Equal("pods: 1/10, requests.cpu: 250m/1, requests.memory: 0/1Gi", quota["Request"]);
        Assert.Equal("limits.cpu: 500m/2, limits.memory: 256Mi/2Gi", quota["Limit"]);
    }

    [Fact]
    public void ResourceQuotaQuantitiesPrintInCanonicalForm() =>
        Assert.Equal("requests.cpu: 500m/1, requests.memory: 1Mi/2Gi", Printed.Of("", "ResourceQuota", """
            {"metadata":{"name":"q"},"status":{"hard":{"requests.cpu":"1000m","requests.memory":"2048Mi"},"used":{"requests.cpu":"0.5","requests.memory":"1024Ki"}}}
            """)["Request"]);

    [Fact]
    public void AResourceQuotaWithoutUsageCountsZero() =>
        Assert.Equal("pods: 0/10", Printed.Of("", "ResourceQuota", """{"metadata":{"name":"q"},"status":{"hard":{"pods":"10"}}}""")["Request"]);

    [Fact]
    public void ALeasePrintsItsHolder() =>
        Assert.Equal("node-1", Printed.Of("coordination.k8s.io", "Lease", """{"metadata":{"name":"node-1"},"spec":{"holderIdentity":"node-1"}}""")["Holder"]);

    [Fact]
    public void AKindWithoutAPrinterGetsNameAndCreatedAt()
    {
        var limits = Printed.Of("", "LimitRange", """{"metadata":{"name":"limits","creationTimestamp":"2025-01-01T10:30:00Z"}}""");

        Assert.Equal("limits", limits["Name"]);
        Assert.Equal("2025-01-01T10:30:00Z", limits["Created At"]);
    }
}
