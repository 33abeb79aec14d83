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
    public void The_mutating_plugins_handle_the_requests_the_adrs_table_says_they_change_and_no_status_write()
    {
        var plugins = Build();
        string[] Handling(AdmissionOperation operation, Axolotl.Api.Scheme.ResourceType type, string? subresource = null) =>
            [.. plugins.Mutating.Where(p => p.Handles(new AdmissionAttributes(operation, type, "ns", subresource, null))).Select(p => p.Name)];

        Assert.Equal(["LimitRanger", "ServiceAccount", "Priority", "DefaultTolerationSeconds"], Handling(AdmissionOperation.Create, Axolotl.Api.Scheme.KnownResources.Pods));
        Assert.Equal(["Priority"], Handling(AdmissionOperation.Update, Axolotl.Api.Scheme.KnownResources.Pods));
        Assert.Equal(["DefaultStorageClass+StorageObjectInUseProtection+PersistentVolumeClaimResize"],
            Handling(AdmissionOperation.Create, Axolotl.Api.Scheme.KnownResources.PersistentVolumeClaims));
        // No mutating webhook is configured: a status write leaves admission as it was defaulted.
        Assert.Empty(Handling(AdmissionOperation.Update, Axolotl.Api.Scheme.KnownResources.Pods, "status"));
        Assert.Empty(Handling(AdmissionOperation.Create, Axolotl.Api.Scheme.KnownResources.ConfigMaps));
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
