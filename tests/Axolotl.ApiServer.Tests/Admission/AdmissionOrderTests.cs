using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Hosting;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Security;
using Axolotl.ApiServer.Security.Rbac;
using Axolotl.Storage.Memory;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.Admission;

public sealed class AdmissionOrderTests
{
    private static AdmissionPlugins Build(bool serviceAccounts = true)
    {
        var objects = new ObjectStore(new InMemoryStore());
        var authorizer = new Authorizer(new NodeAuthorizer(new NodeGraph(objects)), () => RbacPolicy.Empty);
        var options = new ApiServerOptions { DataDir = "/nonexistent", ServiceAccountAdmission = serviceAccounts };
        return AdmissionOrder.Build(options, objects, authorizer, new FakeTimeProvider(), NullLoggerFactory.Instance);
    }

    [Fact]
    public void The_plugins_run_in_kube_apiservers_order_with_resource_quota_last()
    {
        var plugins = Build();

        Assert.Equal(
            ["NamespaceLifecycle", "LimitRanger", "ServiceAccount", "NodeRestriction", "PodSecurity", "Priority", "DefaultTolerationSeconds",
             "DefaultStorageClass+StorageObjectInUseProtection+PersistentVolumeClaimResize", "CertificateApproval+CertificateSigning",
             "CertificateRequestRestriction", "RbacEscalation", "NodeCidrClaims",
             "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota"],
            plugins.Ordered.Select(p => p.Name));
        Assert.Equal(["LimitRanger", "ServiceAccount", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass+StorageObjectInUseProtection+PersistentVolumeClaimResize",
             "MutatingAdmissionWebhook"],
            plugins.Mutating.Select(p => p.Name));
        Assert.Equal("ResourceQuota", plugins.Writing?.Name);
    }

    [Fact]
    public void Without_service_account_admission_the_plugin_is_left_out_and_the_rest_keep_their_order()
    {
        Assert.DoesNotContain(Build(serviceAccounts: false).Ordered, p => p.Name == "ServiceAccount");
    }

    [Fact]
    public void A_write_plugin_anywhere_but_last_is_refused()
    {
        var plugins = Build();
        var quota = plugins.Writing!;

        Assert.Throws<ArgumentException>(() => new AdmissionPlugins([quota, .. plugins.Ordered.Where(p => p != quota)]));
    }
}
