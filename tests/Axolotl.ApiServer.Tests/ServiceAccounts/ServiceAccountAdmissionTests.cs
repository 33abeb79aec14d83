using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.ServiceAccounts;

public sealed class ServiceAccountAdmissionTests
{
    private static Pod PodWith(params Container[] containers) => new() { Metadata = new ObjectMeta { Name = "p", Namespace = "apps" }, Spec = new PodSpec { Containers = [.. containers] } };

    [Fact]
    public void Every_container_mounts_the_kube_api_access_volume_read_only()
    {
        var pod = PodWith(new Container { Name = "a", Image = "busybox" }, new Container { Name = "b", Image = "busybox" });
        pod.Spec!.InitContainers = [new Container { Name = "init", Image = "busybox" }];

        ServiceAccountAdmission.Admit(pod, "default", new ServiceAccount());

        var volume = Assert.Single(pod.Spec.Volumes!);
        Assert.Matches("^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$", volume.Name);
        Assert.Equal(420, volume.Projected!.DefaultMode);
        var sources = volume.Projected.Sources!;
        Assert.Equal(3607, sources[0].ServiceAccountToken!.ExpirationSeconds);
        Assert.Equal("token", sources[0].ServiceAccountToken!.Path);
        Assert.Equal("kube-root-ca.crt", sources[1].ConfigMap!.Name);
        Assert.Equal("ca.crt", Assert.Single(sources[1].ConfigMap!.Items!).Path);
        Assert.Equal("metadata.namespace", Assert.Single(sources[2].DownwardAPI!.Items!).FieldRef!.FieldPath);
        foreach (var container in pod.Spec.AllContainers())
        {
            var mount = Assert.Single(container.VolumeMounts!);
            Assert.Equal((volume.Name, true, ServiceAccountAdmission.MountPath), (mount.Name, mount.ReadOnly == true, mount.MountPath));
        }
        Assert.Equal("default", pod.Spec.ServiceAccountName);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(null, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, false)]
    [InlineData(false, null, false)]
    public void The_pods_automount_setting_wins_over_the_service_accounts(bool? pod, bool? account, bool mounted)
    {
        var p = PodWith(new Container { Name = "a", Image = "busybox" });
        p.Spec!.AutomountServiceAccountToken = pod;

        ServiceAccountAdmission.Admit(p, "default", new ServiceAccount { AutomountServiceAccountToken = account });

        Assert.Equal(mounted, p.Spec.Volumes is { Count: 1 });
    }

    [Fact]
    public void A_container_that_mounts_something_at_the_path_keeps_it()
    {
        var own = new Container { Name = "own", Image = "busybox", VolumeMounts = [new VolumeMount { Name = "mine", MountPath = ServiceAccountAdmission.MountPath }] };
        var pod = PodWith(own);
        pod.Spec!.Volumes = [new Volume { Name = "mine", EmptyDir = new EmptyDirVolumeSource() }];

        ServiceAccountAdmission.Admit(pod, "default", new ServiceAccount());

        Assert.Equal("mine", Assert.Single(pod.Spec.Volumes).Name);
        Assert.Equal("mine", Assert.Single(own.VolumeMounts!).Name);
    }

    [Fact]
    public void The_service_accounts_pull_secrets_go_to_a_pod_without_its_own()
    {
        var pod = PodWith(new Container { Name = "a", Image = "busybox" });

        ServiceAccountAdmission.Admit(pod, "builder", new ServiceAccount { ImagePullSecrets = [new LocalObjectReference { Name = "registry" }] });

        Assert.Equal("registry", Assert.Single(pod.Spec!.ImagePullSecrets!).Name);
    }

    [Fact]
    public async Task A_pod_naming_a_missing_service_account_is_forbidden_with_upstreams_message()
    {
        var objects = new ObjectStore(new InMemoryStore());
        await objects.CreateAsync(KnownResources.Namespaces, JsonNode.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""")!.AsObject(), CancellationToken.None);
        var admission = new ServiceAccountAdmission(objects, new FakeTimeProvider());
        var body = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps"},"spec":{"serviceAccountName":"ghost","containers":[{"name":"a","image":"busybox"}]}}""")!.AsObject();

        var e = await Assert.ThrowsAsync<ApiException>(() => admission.PrepareAsync(KnownResources.Pods, "apps", body, CancellationToken.None));

        Assert.Equal(403, e.Code);
        Assert.Equal("pods \"p\" is forbidden: error looking up service account apps/ghost: serviceaccount \"ghost\" not found", e.Status.Message);
        Assert.Null(await admission.PrepareAsync(KnownResources.Pods, "elsewhere", body, CancellationToken.None));
    }
}
