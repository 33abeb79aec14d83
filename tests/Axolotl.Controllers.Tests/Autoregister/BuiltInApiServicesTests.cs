using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Scheme;
using Axolotl.Controllers.Autoregister;

namespace Axolotl.Controllers.Tests.Autoregister;

public sealed class BuiltInApiServicesTests
{
    [Fact]
    public void Every_built_in_group_version_but_apiregistration_itself_gets_a_Local_APIService_labelled_onstart()
    {
        var served = KnownResources.All.Select(r => APIService.NameOf(r.Group, r.Version)).Distinct().Where(n => n != "v1.apiregistration.k8s.io").Order(StringComparer.Ordinal);

        Assert.Equal(served, BuiltInApiServices.All.Keys.Order(StringComparer.Ordinal));
        Assert.All(BuiltInApiServices.All.Values, a =>
        {
            Assert.Null(a.Spec!.Service);
            Assert.Equal(APIService.ManagedOnStart, a.Metadata.Labels![APIService.AutomanagedLabel]);
        });
    }

    [Theory]
    [InlineData("v1.", null, "v1", 18000, 1)]
    [InlineData("v1.apps", "apps", "v1", 17800, 15)]
    [InlineData("v2.autoscaling", "autoscaling", "v2", 17500, 30)]
    [InlineData("v1.autoscaling", "autoscaling", "v1", 17500, 15)]
    [InlineData("v1.flowcontrol.apiserver.k8s.io", "flowcontrol.apiserver.k8s.io", "v1", 16100, 21)]
    [InlineData("v1beta1.metrics.k8s.io", "metrics.k8s.io", "v1beta1", 100, 100)]
    public void Priorities_are_kube_apiservers(string name, string? group, string version, int groupPriority, int versionPriority)
    {
        var spec = BuiltInApiServices.All[name].Spec!;

        Assert.Equal((group, version, groupPriority, versionPriority), (spec.Group, spec.Version, spec.GroupPriorityMinimum, spec.VersionPriority));
    }
}
