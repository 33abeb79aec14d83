using Axolotl.Api.Core;
using Axolotl.Api.Resources;
using Axolotl.ApiServer.Admission.Quota;

namespace Axolotl.ApiServer.Tests.Quota;

public sealed class ClaimQuotaEvaluatorTests
{
    [Fact]
    public void A_claim_uses_one_claim_and_its_request_overall_and_in_its_class()
    {
        var claim = new PersistentVolumeClaim
        {
            Metadata = new() { Name = "data", Namespace = "ns" },
            Spec = new PersistentVolumeClaimSpec
            {
                StorageClassName = "local-path",
                Resources = new VolumeResourceRequirements { Requests = new() { ["storage"] = Quantity.Parse("5Gi") } },
            },
        };

        var usage = ClaimQuotaEvaluator.Instance.Usage(claim, DateTimeOffset.UnixEpoch);

        Assert.Equal(new Dictionary<string, string>
        {
            ["persistentvolumeclaims"] = "1",
            ["count/persistentvolumeclaims"] = "1",
            ["requests.storage"] = "5Gi",
            ["local-path.storageclass.storage.k8s.io/persistentvolumeclaims"] = "1",
            ["local-path.storageclass.storage.k8s.io/requests.storage"] = "5Gi",
        }, usage.ToDictionary(p => p.Key, p => p.Value.ToString()));
        Assert.True(ClaimQuotaEvaluator.Instance.ChargesUpdates);
        Assert.Equal(["requests.storage", "gold.storageclass.storage.k8s.io/requests.storage"],
            ClaimQuotaEvaluator.Instance.MatchingResources(["requests.storage", "requests.cpu", "gold.storageclass.storage.k8s.io/requests.storage"]));
    }
}
