using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Core;
using Axolotl.ApiServer.Admission.Webhooks;

namespace Axolotl.ApiServer.Tests.Admission.Webhooks;

public sealed class WebhookMatcherTests
{
    private static readonly Dictionary<string, string> Prod = new() { ["env"] = "prod" };
    private static readonly Dictionary<string, string> Dev = new() { ["env"] = "dev" };

    private static ValidatingWebhook Hook(LabelSelector? namespaceSelector = null, LabelSelector? objectSelector = null) => new()
    {
        Name = "a.example.com",
        NamespaceSelector = namespaceSelector ?? new LabelSelector(),
        ObjectSelector = objectSelector ?? new LabelSelector(),
    };

    private static LabelSelector EnvProd => new() { MatchLabels = new() { ["env"] = "prod" } };

    private static WebhookRequestFacts Request(string resource = "configmaps", string ns = "apps", string operation = "CREATE",
        IReadOnlyDictionary<string, string>? labels = null, IReadOnlyDictionary<string, string>? oldLabels = null) =>
        new(operation, "", "v1", resource, "", ns, labels, oldLabels);

    private static Func<Task<IReadOnlyDictionary<string, string>?>> Namespace(IReadOnlyDictionary<string, string>? labels) =>
        () => Task.FromResult(labels);

    [Fact]
    public async Task The_namespace_selector_matches_the_labels_of_the_objects_namespace()
    {
        Assert.True(await WebhookMatcher.NamespaceMatchesAsync(Hook(EnvProd), Request(), Namespace(Prod)));
        Assert.False(await WebhookMatcher.NamespaceMatchesAsync(Hook(EnvProd), Request(), Namespace(Dev)));
    }

    [Fact]
    public async Task A_namespace_being_created_is_judged_by_its_own_labels_and_cluster_scoped_objects_by_none()
    {
        var unread = () => Task.FromException<IReadOnlyDictionary<string, string>?>(new InvalidOperationException("not read"));
        Assert.True(await WebhookMatcher.NamespaceMatchesAsync(Hook(EnvProd), Request("namespaces", "team", labels: Prod), unread));
        Assert.False(await WebhookMatcher.NamespaceMatchesAsync(Hook(EnvProd), Request("namespaces", "team", labels: Dev), unread));
        Assert.True(await WebhookMatcher.NamespaceMatchesAsync(Hook(EnvProd), Request("nodes", ""), unread));
        // An empty selector never needs the namespace.
        Assert.True(await WebhookMatcher.NamespaceMatchesAsync(Hook(), Request(), unread));
    }

    [Fact]
    public void The_object_selector_matches_the_new_or_the_old_objects_labels()
    {
        var hook = Hook(objectSelector: EnvProd);
        Assert.True(WebhookMatcher.ObjectMatches(hook, Request(labels: Prod)));
        Assert.True(WebhookMatcher.ObjectMatches(hook, Request(operation: "UPDATE", labels: Dev, oldLabels: Prod)));
        Assert.False(WebhookMatcher.ObjectMatches(hook, Request(labels: Dev)));
        // A delete has only the old object.
        Assert.True(WebhookMatcher.ObjectMatches(hook, Request(operation: "DELETE", oldLabels: Prod)));
        Assert.True(WebhookMatcher.ObjectMatches(Hook(), Request()));
    }
}
