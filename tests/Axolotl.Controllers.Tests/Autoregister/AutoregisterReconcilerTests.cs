using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Apiextensions;
using Axolotl.Controllers.Autoregister;
using Axolotl.Controllers.Runtime;
using Axolotl.Controllers.Tests.ReplicaSets;
using Axolotl.Testing;

namespace Axolotl.Controllers.Tests.Autoregister;

public sealed class AutoregisterReconcilerTests : IDisposable
{
    private const string Collection = "/apis/apiregistration.k8s.io/v1/apiservices";
    private readonly FakeApi _api = new(new FakeTimeProvider());
    private readonly FakeCache<APIService> _apiServices = new();
    private readonly FakeCache<CustomResourceDefinition> _crds = new();
    private readonly AutoregisterReconciler _reconciler;

    public AutoregisterReconcilerTests()
    {
        var builtIns = BuiltInApiServices.For(Axolotl.Api.Scheme.KnownResources.All.Where(r => r.Group == "apps"));
        _reconciler = new AutoregisterReconciler(_api.Client, _apiServices, _crds, builtIns);
    }

    public void Dispose() => _api.Dispose();

    /// <summary>The informer catching up with what the fake API server holds.</summary>
    private void SyncCache() => _apiServices.Replace(_api.List<APIService>(null!));

    private APIService Seed(APIService apiService)
    {
        var stored = _api.Seed(apiService);
        SyncCache();
        return stored;
    }

    [Fact]
    public async Task A_missing_built_in_is_created_once_and_not_brought_back_after_a_user_deletes_it()
    {
        _reconciler.RecordPresentAtStart([]);

        Assert.Equal(ReconcileResult.Done, await _reconciler.ReconcileAsync("v1.apps", default));

        var create = Assert.Single(_api.Writes);
        Assert.Equal((HttpMethod.Post, Collection), (create.Method, create.Path));
        var created = _api.Get<APIService>(null!, "v1.apps")!;
        Assert.Equal(("apps", "v1", 17800, 15), (created.Spec!.Group, created.Spec.Version, created.Spec.GroupPriorityMinimum, created.Spec.VersionPriority));
        Assert.Equal("onstart", created.Metadata.Labels![APIService.AutomanagedLabel]);

        _api.Remove<APIService>(null!, "v1.apps");
        SyncCache();
        await _reconciler.ReconcileAsync("v1.apps", default);

        Assert.Single(_api.Writes);
    }

    [Fact]
    public async Task A_built_in_left_from_the_last_run_with_another_spec_is_set_back_once()
    {
        var stale = BuiltInApiServices.Local("apps", "v1", 100, 1, APIService.ManagedOnStart);
        Seed(stale);
        _reconciler.RecordPresentAtStart(["v1.apps"]);

        await _reconciler.ReconcileAsync("v1.apps", default);

        Assert.Equal((17800, 15), (_api.Get<APIService>(null!, "v1.apps")!.Spec!.GroupPriorityMinimum, _api.Get<APIService>(null!, "v1.apps")!.Spec!.VersionPriority));
        _api.Mutate<APIService>(null!, "v1.apps", a => a.Spec!.VersionPriority = 3);
        SyncCache();
        await _reconciler.ReconcileAsync("v1.apps", default);
        Assert.Equal(3, _api.Get<APIService>(null!, "v1.apps")!.Spec!.VersionPriority);
    }

    [Fact]
    public async Task An_installed_metrics_server_keeps_its_APIService_at_start_and_a_Local_one_is_still_set_back()
    {
        var builtIns = BuiltInApiServices.For(Axolotl.Api.Scheme.KnownResources.All.Where(r => r.Group == "metrics.k8s.io"));
        var reconciler = new AutoregisterReconciler(_api.Client, _apiServices, _crds, builtIns);
        // What applying metrics-server's manifest leaves: the automanaged label of the built-in, and its Service.
        var installed = BuiltInApiServices.Local("metrics.k8s.io", "v1beta1", 100, 100, APIService.ManagedOnStart);
        installed.Spec!.Service = new ServiceReference { Namespace = "kube-system", Name = "metrics-server" };
        installed.Spec.InsecureSkipTLSVerify = true;
        Seed(installed);
        reconciler.RecordPresentAtStart(["v1beta1.metrics.k8s.io"]);

        Assert.Equal(ReconcileResult.Done, await reconciler.ReconcileAsync("v1beta1.metrics.k8s.io", default));

        Assert.Empty(_api.Writes);
        Assert.Equal("metrics-server", _api.Get<APIService>(null!, "v1beta1.metrics.k8s.io")!.Spec!.Service!.Name);

        // Without a Service it is an ordinary onstart built-in again: a changed spec is set back at the next start.
        _api.Mutate<APIService>(null!, "v1beta1.metrics.k8s.io", a => { a.Spec!.Service = null; a.Spec.InsecureSkipTLSVerify = null; a.Spec.VersionPriority = 7; });
        SyncCache();
        var restarted = new AutoregisterReconciler(_api.Client, _apiServices, _crds, builtIns);
        restarted.RecordPresentAtStart(["v1beta1.metrics.k8s.io"]);
        await restarted.ReconcileAsync("v1beta1.metrics.k8s.io", default);
        Assert.Equal(100, _api.Get<APIService>(null!, "v1beta1.metrics.k8s.io")!.Spec!.VersionPriority);
    }

    [Fact]
    public async Task A_CRD_versions_APIService_comes_with_the_CRD_and_goes_with_it()
    {
        _reconciler.RecordPresentAtStart([]);
        _crds.Put(CustomResourceApiServicesTests.Crd("example.com", ("v1", true)));

        await _reconciler.ReconcileAsync("v1.example.com", default);

        var created = _api.Get<APIService>(null!, "v1.example.com")!;
        Assert.Equal(("true", 1000, 100), (created.Metadata.Labels![APIService.AutomanagedLabel], created.Spec!.GroupPriorityMinimum, created.Spec.VersionPriority));

        SyncCache();
        _crds.Replace([CustomResourceApiServicesTests.Crd("example.com", ("v1", false))]);
        await _reconciler.ReconcileAsync("v1.example.com", default);

        Assert.Null(_api.Get<APIService>(null!, "v1.example.com"));
        var delete = _api.Writes[^1];
        Assert.Equal(HttpMethod.Delete, delete.Method);
        Assert.Equal(created.Metadata.Uid, (string?)delete.Json!["preconditions"]!["uid"]);
    }

    [Fact]
    public async Task An_APIService_without_the_automanaged_label_is_never_touched()
    {
        var mine = BuiltInApiServices.Local("example.com", "v1", 5, 5, "x");
        mine.Metadata.Labels = null;
        mine.Spec!.Service = new ServiceReference { Namespace = "ns", Name = "api", Port = 443 };
        Seed(mine);
        _reconciler.RecordPresentAtStart(["v1.example.com"]);
        _crds.Put(CustomResourceApiServicesTests.Crd("example.com", ("v1", true)));

        await _reconciler.ReconcileAsync("v1.example.com", default);
        _crds.Replace([]);
        await _reconciler.ReconcileAsync("v1.example.com", default);

        Assert.Empty(_api.Writes);
        Assert.Equal("api", _api.Get<APIService>(null!, "v1.example.com")!.Spec!.Service!.Name);
    }

    [Fact]
    public void Every_name_worth_a_first_look_is_offered_once()
    {
        Seed(BuiltInApiServices.Local("old.example.com", "v1", 1000, 100, APIService.ManagedContinuously));
        _crds.Put(CustomResourceApiServicesTests.Crd("example.com", ("v1", true), ("v2", false)));

        Assert.Equal(["v1.apps", "v1.example.com", "v1.old.example.com", "v2.example.com"], _reconciler.AllNames().Order(StringComparer.Ordinal));
    }
}
