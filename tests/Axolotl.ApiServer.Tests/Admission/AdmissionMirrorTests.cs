using System.Text.Json.Nodes;
using Axolotl.Api.Core;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Admission.LimitRange;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.ApiServer.Registry.Mirrors;
using Axolotl.Storage.Memory;

namespace Axolotl.ApiServer.Tests.Admission;

/// <summary>
/// The admission plugins that look something up on every create read the admission mirror, which holds this
/// server's writes at once. The mirrors here never watch: what they hold came from the object store's notes, and
/// each test changes the store behind the object store's back to show which one a plugin read.
/// </summary>
public sealed class AdmissionMirrorTests
{
    private readonly InMemoryStore _store = new();
    private readonly ObjectStore _objects;

    public AdmissionMirrorTests()
    {
        _objects = new ObjectStore(_store);
        foreach (var kind in new[] { KnownResources.Namespaces, KnownResources.LimitRanges, KnownResources.PriorityClasses })
        {
            var mirror = new StoreMirror(kind);
            mirror.Replace(new Axolotl.Storage.StoreListResult([], 0, null, 0));
            _objects.Mirrors.Adopt(mirror);
        }
    }

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Fact]
    public async Task A_namespace_marked_for_deletion_here_refuses_new_content_at_once()
    {
        var created = await _objects.CreateAsync(KnownResources.Namespaces, Json("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}"""), CancellationToken.None);
        var lifecycle = new NamespaceLifecycle(_objects);
        await lifecycle.CheckCreateAsync(KnownResources.ConfigMaps, "apps", "c", CancellationToken.None);

        await _objects.UpdateAsync(KnownResources.Namespaces,
            Json("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps","deletionTimestamp":"2026-11-28T12:00:00Z"}}"""), created.Revision, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<ApiException>(() => lifecycle.CheckCreateAsync(KnownResources.ConfigMaps, "apps", "c", CancellationToken.None));
        Assert.Equal(403, refused.Status.Code);
        Assert.Contains("because it is being terminated", refused.Status.Message);
    }

    [Fact]
    public async Task A_namespace_the_mirror_does_not_hold_is_looked_up_in_the_store()
    {
        // Written by another server: only the store has it so far.
        await _store.CreateAsync("/namespaces/elsewhere", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"elsewhere"}}"""u8.ToArray(), CancellationToken.None);
        var lifecycle = new NamespaceLifecycle(_objects);

        await lifecycle.CheckCreateAsync(KnownResources.ConfigMaps, "elsewhere", "c", CancellationToken.None);
        var missing = await Assert.ThrowsAsync<ApiException>(() => lifecycle.CheckCreateAsync(KnownResources.ConfigMaps, "nowhere", "c", CancellationToken.None));
        Assert.Equal(404, missing.Status.Code);
    }

    [Fact]
    public async Task Limit_ranges_come_from_the_mirror_in_name_order()
    {
        await _objects.CreateAsync(KnownResources.LimitRanges, Json("""
            {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"b-second","namespace":"apps"},
             "spec":{"limits":[{"type":"Container","defaultRequest":{"cpu":"200m","memory":"64Mi"}}]}}
            """), CancellationToken.None);
        await _objects.CreateAsync(KnownResources.LimitRanges, Json("""
            {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"a-first","namespace":"apps"},
             "spec":{"limits":[{"type":"Container","defaultRequest":{"cpu":"100m"}}]}}
            """), CancellationToken.None);
        // Gone from the store behind the mirror's back: a plugin reading the store would see one range.
        await _store.DeleteAsync("/limitranges/apps/b-second", 0, CancellationToken.None);

        var ranges = await new LimitRanger(_objects).ForCreateAsync(KnownResources.Pods, "apps", CancellationToken.None);
        Assert.Equal(["a-first", "b-second"], ranges.Select(r => r.Metadata.Name));

        var pod = new Pod { Metadata = new() { Name = "p", Namespace = "apps" }, Spec = new() { Containers = [new Container { Name = "c", Image = "busybox" }] } };
        LimitRanger.ApplyDefaults(pod, ranges);
        var requests = pod.Spec.Containers[0].Resources!.Requests!;
        Assert.Equal("100m", requests["cpu"].ToString());
        Assert.Equal("64Mi", requests["memory"].ToString());
        Assert.Empty(await new LimitRanger(_objects).ForCreateAsync(KnownResources.Pods, "other", CancellationToken.None));
    }

    [Fact]
    public async Task A_priority_class_created_here_resolves_the_next_pod()
    {
        await _objects.CreateAsync(KnownResources.PriorityClasses,
            Json("""{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"batch"},"value":500,"preemptionPolicy":"Never"}"""), CancellationToken.None);
        await _store.DeleteAsync(ObjectStore.Key(KnownResources.PriorityClasses, null, "batch"), 0, CancellationToken.None);
        var pod = new Pod { Metadata = new() { Name = "p", Namespace = "apps" }, Spec = new() { PriorityClassName = "batch", Containers = [new Container { Name = "c", Image = "busybox" }] } };
        var attributes = new AdmissionAttributes(AdmissionOperation.Create, KnownResources.Pods, "apps", null, null) { Name = "p" };

        await new PriorityAdmission(_objects).AdmitAsync(attributes, pod, CancellationToken.None);

        Assert.Equal(500, pod.Spec.Priority);
        Assert.Equal("Never", pod.Spec.PreemptionPolicy);
    }
}
