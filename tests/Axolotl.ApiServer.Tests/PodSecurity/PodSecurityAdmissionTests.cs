using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission.PodSecurity;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.PodSecurity;

/// <summary>The plugin over a store: namespaces' labels, enforce/warn/audit, templates, updates, exemptions, existing pods.</summary>
public sealed class PodSecurityAdmissionTests
{
    private const string PrivilegedContainer = """{"name":"app","image":"busybox","securityContext":{"privileged":true}}""";
    private const string PlainContainer = """{"name":"app","image":"busybox"}""";

    private readonly ObjectStore _objects = new(new InMemoryStore());
    private readonly FakeTimeProvider _clock = new();

    private PodSecurityAdmission Admission(PodSecurityConfiguration? configuration = null) =>
        new(_objects, configuration ?? PodSecurityConfiguration.Default, _clock, NullLogger.Instance);

    private static JsonObject Namespace(string name, string labels = "{}") =>
        JsonNode.Parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + labels + "}}")!.AsObject();

    private static JsonObject Pod(string ns, string name, string containers, string extraSpec = "", string metadata = "") =>
        JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"{{{metadata}}}},"spec":{{{{extraSpec}}}"containers":[{{{containers}}}]}}""")!.AsObject();

    private static JsonObject Deployment(string ns, string name, string containers) =>
        JsonNode.Parse($$$"""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}"},
             "spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{{{containers}}}] } } } }
            """)!.AsObject();

    private async Task<string> StoreNamespaceAsync(string name, string labels)
    {
        await _objects.CreateAsync(KnownResources.Namespaces, Namespace(name, labels), CancellationToken.None);
        return name;
    }

    private async Task StorePodAsync(JsonObject pod) => await _objects.CreateAsync(KnownResources.Pods, pod, CancellationToken.None);

    private Task<PodSecurityResponse> CreateAsync(PodSecurityAdmission admission, ResourceType type, JsonObject obj, string? user = "alice") =>
        admission.ValidateAsync(new PodSecurityRequest(type, (string?)obj["metadata"]!["namespace"], (string)obj["metadata"]!["name"]!, null, user, obj, null), CancellationToken.None);

    [Fact]
    public async Task A_privileged_pod_in_an_enforce_baseline_namespace_is_forbidden_with_upstreams_message()
    {
        var ns = await StoreNamespaceAsync("enforced", """{"pod-security.kubernetes.io/enforce":"baseline"}""");

        var response = await CreateAsync(Admission(), KnownResources.Pods, Pod(ns, "root", PrivilegedContainer));

        Assert.Equal(403, response.Denied?.Code);
        Assert.Equal("Forbidden", response.Denied!.Status.Reason);
        Assert.Equal("pods \"root\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container \"app\" must not set securityContext.privileged=true)",
            response.Denied.Status.Message);
        Assert.Empty(response.Warnings);
        Assert.Equal("baseline:latest", response.AuditAnnotations["enforce-policy"]);
    }

    [Fact]
    public async Task Warn_and_audit_levels_admit_the_pod_with_a_warning_and_an_audit_annotation()
    {
        var ns = await StoreNamespaceAsync("watched", """{"pod-security.kubernetes.io/warn":"restricted","pod-security.kubernetes.io/audit":"baseline","pod-security.kubernetes.io/audit-version":"v1.28"}""");

        var response = await CreateAsync(Admission(), KnownResources.Pods, Pod(ns, "p", PrivilegedContainer));

        Assert.True(response.IsAllowed);
        Assert.Equal(
        [
            "would violate PodSecurity \"restricted:latest\": privileged (container \"app\" must not set securityContext.privileged=true), " +
            "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), " +
            "unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
            "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true), " +
            "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
        ], response.Warnings);
        Assert.Equal("would violate PodSecurity \"baseline:v1.28\": privileged (container \"app\" must not set securityContext.privileged=true)",
            response.AuditAnnotations["audit-violations"]);
        Assert.Equal("privileged:latest", response.AuditAnnotations["enforce-policy"]);
    }

    [Fact]
    public async Task A_workload_template_is_only_warned_about_even_where_pods_are_enforced()
    {
        var ns = await StoreNamespaceAsync("apps", """{"pod-security.kubernetes.io/enforce":"baseline"}""");

        var response = await CreateAsync(Admission(), KnownResources.Deployments, Deployment(ns, "web", PrivilegedContainer));

        Assert.True(response.IsAllowed);
        Assert.Equal(["would violate PodSecurity \"baseline:latest\": privileged (container \"app\" must not set securityContext.privileged=true)"], response.Warnings);
        Assert.False(response.AuditAnnotations.ContainsKey("enforce-policy"));
    }

    [Fact]
    public async Task The_cluster_default_applies_to_unlabelled_namespaces_and_labels_override_it()
    {
        var configuration = PodSecurityConfiguration.Default with
        {
            Defaults = new NamespacePolicy(new LevelVersion(PodSecurityLevel.Restricted, PolicyVersion.Latest), LevelVersion.PrivilegedLatest, LevelVersion.PrivilegedLatest),
        };
        var plain = await StoreNamespaceAsync("plain", "{}");
        var relaxed = await StoreNamespaceAsync("relaxed", """{"pod-security.kubernetes.io/enforce":"privileged"}""");

        var refused = await CreateAsync(Admission(configuration), KnownResources.Pods, Pod(plain, "p", PlainContainer));
        var admitted = await CreateAsync(Admission(configuration), KnownResources.Pods, Pod(relaxed, "p", PrivilegedContainer));

        Assert.StartsWith("pods \"p\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false", refused.Denied?.Status.Message, StringComparison.Ordinal);
        Assert.True(admitted.IsAllowed);
    }

    [Fact]
    public async Task Exempt_namespaces_users_and_runtime_classes_are_not_judged()
    {
        var configuration = new PodSecurityConfiguration(
            new NamespacePolicy(new LevelVersion(PodSecurityLevel.Restricted, PolicyVersion.Latest), LevelVersion.PrivilegedLatest, LevelVersion.PrivilegedLatest),
            new HashSet<string> { "ci-bot" }, new HashSet<string> { "infra" }, new HashSet<string> { "kata" });
        var infra = await StoreNamespaceAsync("infra", "{}");
        var apps = await StoreNamespaceAsync("apps", "{}");
        var admission = Admission(configuration);

        Assert.Equal("namespace", (await CreateAsync(admission, KnownResources.Pods, Pod(infra, "a", PrivilegedContainer))).AuditAnnotations["exempt"]);
        Assert.Equal("user", (await CreateAsync(admission, KnownResources.Pods, Pod(apps, "b", PrivilegedContainer), user: "ci-bot")).AuditAnnotations["exempt"]);
        var kata = await CreateAsync(admission, KnownResources.Pods, Pod(apps, "c", PrivilegedContainer, extraSpec: "\"runtimeClassName\":\"kata\","));
        Assert.Equal("runtimeClass", kata.AuditAnnotations["exempt"]);
        Assert.True(kata.IsAllowed);
        Assert.False((await CreateAsync(admission, KnownResources.Pods, Pod(apps, "d", PrivilegedContainer), user: "alice")).IsAllowed);
    }

    [Fact]
    public async Task Pod_updates_are_judged_only_when_they_change_containers_or_images()
    {
        var ns = await StoreNamespaceAsync("tightened", """{"pod-security.kubernetes.io/enforce":"baseline"}""");
        var admission = Admission();
        var old = Pod(ns, "p", PrivilegedContainer);
        PodSecurityRequest Update(JsonObject updated, string? subresource = null) => new(KnownResources.Pods, ns, "p", subresource, "alice", updated, old);

        var relabelled = Pod(ns, "p", PrivilegedContainer, metadata: ""","labels":{"tier":"web"}""");
        Assert.True((await admission.ValidateAsync(Update(relabelled), CancellationToken.None)).IsAllowed);
        Assert.True((await admission.ValidateAsync(Update(Pod(ns, "p", PrivilegedContainer.Replace("busybox", "alpine", StringComparison.Ordinal)), "status"), CancellationToken.None)).IsAllowed);

        var newImage = await admission.ValidateAsync(Update(Pod(ns, "p", PrivilegedContainer.Replace("busybox", "alpine", StringComparison.Ordinal))), CancellationToken.None);
        Assert.Equal(403, newImage.Denied?.Code);
    }

    [Fact]
    public async Task Namespace_labels_must_be_valid_when_created_or_changed()
    {
        var admission = Admission();
        var bad = Namespace("bad", """{"pod-security.kubernetes.io/enforce":"strict","pod-security.kubernetes.io/warn-version":"1.30"}""");

        var created = await CreateAsync(admission, KnownResources.Namespaces, bad);

        Assert.Equal(422, created.Denied?.Code);
        Assert.Equal("Namespace \"bad\" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted, " +
            "metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: \"1.30\": must be \"latest\" or \"v1.x\"]", created.Denied!.Status.Message);
        Assert.Equal(2, created.Denied.Status.Details?.Causes?.Count);

        // Labels that were already bad (set before the plugin judged them) may stay; changing them must make them valid.
        var unrelated = Namespace("bad", """{"pod-security.kubernetes.io/enforce":"strict","pod-security.kubernetes.io/warn-version":"1.30","team":"a"}""");
        Assert.True((await admission.ValidateAsync(new PodSecurityRequest(KnownResources.Namespaces, null, "bad", null, "alice", unrelated, bad), CancellationToken.None)).IsAllowed);
        var changed = Namespace("bad", """{"pod-security.kubernetes.io/enforce":"stricter"}""");
        Assert.Equal(422, (await admission.ValidateAsync(new PodSecurityRequest(KnownResources.Namespaces, null, "bad", null, "alice", changed, bad), CancellationToken.None)).Denied?.Code);
    }

    [Fact]
    public async Task A_stored_bad_enforce_label_fails_closed_as_restricted()
    {
        var ns = await StoreNamespaceAsync("legacy", """{"pod-security.kubernetes.io/enforce":"strict"}""");

        var response = await CreateAsync(Admission(), KnownResources.Pods, Pod(ns, "p", PlainContainer));

        Assert.StartsWith("pods \"p\" is forbidden: violates PodSecurity \"restricted:latest\": ", response.Denied?.Status.Message, StringComparison.Ordinal);
        Assert.Equal("Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted",
            response.AuditAnnotations["error"]);
    }

    [Fact]
    public async Task Raising_a_namespace_enforce_level_warns_about_existing_pods_grouped_by_violation()
    {
        var ns = await StoreNamespaceAsync("busy", "{}");
        await StorePodAsync(Pod(ns, "web-b", PrivilegedContainer));
        await StorePodAsync(Pod(ns, "web-a", PrivilegedContainer));
        await StorePodAsync(Pod(ns, "net", PlainContainer, extraSpec: "\"hostNetwork\":true,"));
        await StorePodAsync(Pod(ns, "tidy", PlainContainer));
        var admission = Admission();
        var old = Namespace(ns);
        Task<PodSecurityResponse> Relabel(string labels, JsonObject? before = null) =>
            admission.ValidateAsync(new PodSecurityRequest(KnownResources.Namespaces, ns, ns, null, "alice", Namespace(ns, labels), before ?? old), CancellationToken.None);

        var baseline = await Relabel("""{"pod-security.kubernetes.io/enforce":"baseline"}""");

        Assert.True(baseline.IsAllowed);
        Assert.Equal(
        [
            "existing pods in namespace \"busy\" violate the new PodSecurity enforce level \"baseline:latest\"",
            "net: host namespaces",
            "web-a (and 1 other pod): privileged",
        ], baseline.Warnings);

        var restricted = await Relabel("""{"pod-security.kubernetes.io/enforce":"restricted"}""");
        Assert.Equal(
        [
            "existing pods in namespace \"busy\" violate the new PodSecurity enforce level \"restricted:latest\"",
            "net: host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
            "tidy: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
            "web-a (and 1 other pod): privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
        ], restricted.Warnings);

        // Relaxing at the same version, going privileged, or keeping the level says nothing.
        var wasRestricted = Namespace(ns, """{"pod-security.kubernetes.io/enforce":"restricted"}""");
        Assert.Empty((await Relabel("""{"pod-security.kubernetes.io/enforce":"baseline"}""", wasRestricted)).Warnings);
        Assert.Empty((await Relabel("""{"pod-security.kubernetes.io/enforce":"privileged"}""")).Warnings);
        Assert.Empty((await Relabel("""{"pod-security.kubernetes.io/enforce":"restricted","team":"a"}""", wasRestricted)).Warnings);
        // The same level at another version is judged again.
        Assert.NotEmpty((await Relabel("""{"pod-security.kubernetes.io/enforce":"baseline","pod-security.kubernetes.io/enforce-version":"v1.20"}""",
            Namespace(ns, """{"pod-security.kubernetes.io/enforce":"restricted"}"""))).Warnings);
    }

    [Fact]
    public async Task Existing_pods_beyond_the_limit_are_not_judged_and_the_warning_says_so()
    {
        var ns = await StoreNamespaceAsync("many", "{}");
        for (var i = 0; i < 3; i++)
        {
            await StorePodAsync(Pod(ns, $"p{i}", PrivilegedContainer));
        }
        var admission = new PodSecurityAdmission(_objects, PodSecurityConfiguration.Default, _clock, NullLogger.Instance)
        {
            ExistingPods = new ExistingPods(PodSecurityEvaluator.Default, PodSecurityConfiguration.Default, _clock) { MaxPods = 2 },
        };

        var response = await admission.ValidateAsync(
            new PodSecurityRequest(KnownResources.Namespaces, ns, ns, null, "alice", Namespace(ns, """{"pod-security.kubernetes.io/enforce":"baseline"}"""), Namespace(ns)),
            CancellationToken.None);

        Assert.Equal(
        [
            "new PodSecurity enforce level only checked against the first 2 of 3 existing pods",
            "existing pods in namespace \"many\" violate the new PodSecurity enforce level \"baseline:latest\"",
            "p0 (and 1 other pod): privileged",
        ], response.Warnings);
    }

    [Fact]
    public async Task An_exempt_namespace_labelled_with_a_policy_is_told_it_will_be_ignored()
    {
        var configuration = PodSecurityConfiguration.Default with { ExemptNamespaces = new HashSet<string> { "infra" } };
        var admission = Admission(configuration);
        var labelled = Namespace("infra", """{"pod-security.kubernetes.io/enforce":"baseline","pod-security.kubernetes.io/audit":"privileged","pod-security.kubernetes.io/warn-version":"v1.30"}""");

        var created = await CreateAsync(admission, KnownResources.Namespaces, labelled);
        var updated = await admission.ValidateAsync(new PodSecurityRequest(KnownResources.Namespaces, null, "infra", null, "alice", labelled, Namespace("infra")), CancellationToken.None);

        Assert.Empty(created.Warnings);
        Assert.True(updated.IsAllowed);
        Assert.Equal(["namespace \"infra\" is exempt from Pod Security, and the policy (enforce=baseline:latest, warn=baseline:v1.30) will be ignored"], updated.Warnings);
    }

    [Fact]
    public async Task Other_kinds_and_fully_privileged_namespaces_pass_untouched()
    {
        var ns = await StoreNamespaceAsync("open", "{}");
        var admission = Admission();

        Assert.Same(PodSecurityResponse.Allowed, await CreateAsync(admission, KnownResources.ConfigMaps,
            JsonNode.Parse($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"{{{ns}}}"}}""")!.AsObject()));
        var pod = await CreateAsync(admission, KnownResources.Pods, Pod(ns, "p", PrivilegedContainer));
        Assert.True(pod.IsAllowed);
        Assert.Empty(pod.Warnings);
    }
}
