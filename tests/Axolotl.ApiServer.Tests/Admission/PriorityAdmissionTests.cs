using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;

namespace Axolotl.ApiServer.Tests.Admission;

public sealed class PriorityAdmissionTests
{
    private readonly ObjectStore _objects = new(new InMemoryStore());

    private AdmissionChain Chain => new(new AdmissionPlugins([new PriorityAdmission(_objects)]));

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    private async Task CreateClassAsync(string name, int value, bool globalDefault = false, string? policy = null)
    {
        var body = Json($$"""{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"{{name}}"},"value":{{value}}}""");
        if (globalDefault)
        {
            body["globalDefault"] = true;
        }
        if (policy is not null)
        {
            body["preemptionPolicy"] = policy;
        }
        await _objects.CreateAsync(KnownResources.PriorityClasses, await AdmitAsync(KnownResources.PriorityClasses, body, name), CancellationToken.None);
    }

    private async Task<JsonObject> AdmitAsync(ResourceType type, JsonObject body, string name, JsonObject? old = null)
    {
        var attributes = new AdmissionAttributes(old is null ? AdmissionOperation.Create : AdmissionOperation.Update, type, type.Namespaced ? "apps" : null, null, null)
        {
            Object = body,
            OldObject = old,
        };
        var chain = Chain;
        var admitted = await chain.MutateAsync(attributes, chain.Default(attributes), CancellationToken.None);
        // As CreateHandler: the request's name is known only after the mutating phase.
        attributes.Name = name;
        await chain.ValidateAsync(attributes, CancellationToken.None);
        return admitted;
    }

    private static JsonObject Pod(string specExtra = "")
    {
        var pod = Json("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"apps"},"spec":{"containers":[{"name":"a","image":"busybox"}]}}""");
        foreach (var (name, value) in specExtra.Length == 0 ? [] : Json("{" + specExtra.TrimEnd(',') + "}"))
        {
            pod["spec"]![name] = value!.DeepClone();
        }
        return pod;
    }

    [Fact]
    public async Task A_pods_class_resolves_to_its_priority_and_preemption_policy()
    {
        await CreateClassAsync("batch", 500, policy: "Never");

        var admitted = await AdmitAsync(KnownResources.Pods, Pod("\"priorityClassName\":\"batch\","), "p");

        Assert.Equal(500, admitted["spec"]!["priority"]!.GetValue<int>());
        Assert.Equal("Never", admitted["spec"]!["preemptionPolicy"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pod_naming_no_class_gets_the_global_default_class_or_priority_zero()
    {
        var none = await AdmitAsync(KnownResources.Pods, Pod(), "p");
        Assert.Equal(0, none["spec"]!["priority"]!.GetValue<int>());
        Assert.Equal("PreemptLowerPriority", none["spec"]!["preemptionPolicy"]!.GetValue<string>());
        Assert.Null(none["spec"]!["priorityClassName"]);

        await CreateClassAsync("normal", 1000, globalDefault: true);
        var defaulted = await AdmitAsync(KnownResources.Pods, Pod(), "p");

        Assert.Equal(1000, defaulted["spec"]!["priority"]!.GetValue<int>());
        Assert.Equal("normal", defaulted["spec"]!["priorityClassName"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_class_is_forbidden_with_upstreams_message()
    {
        var e = await Assert.ThrowsAsync<ApiException>(() => AdmitAsync(KnownResources.Pods, Pod("\"priorityClassName\":\"ghost\","), "p"));

        Assert.Equal(403, e.Code);
        Assert.Equal("pods \"p\" is forbidden: no PriorityClass with name ghost was found", e.Status.Message);
    }

    [Fact]
    public async Task A_priority_the_pod_sets_itself_must_match_its_class()
    {
        await CreateClassAsync("batch", 500);

        Assert.Equal(500, (await AdmitAsync(KnownResources.Pods, Pod("\"priorityClassName\":\"batch\",\"priority\":500,"), "p"))["spec"]!["priority"]!.GetValue<int>());
        var e = await Assert.ThrowsAsync<ApiException>(() => AdmitAsync(KnownResources.Pods, Pod("\"priorityClassName\":\"batch\",\"priority\":7,"), "p"));

        Assert.Equal(403, e.Code);
        Assert.Equal("pods \"p\" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 500 from the given PriorityClass name",
            e.Status.Message);
    }

    [Fact]
    public async Task A_preemption_policy_the_pod_sets_itself_must_match_its_class()
    {
        await CreateClassAsync("batch", 500, policy: "Never");

        var e = await Assert.ThrowsAsync<ApiException>(() => AdmitAsync(KnownResources.Pods, Pod("\"priorityClassName\":\"batch\",\"preemptionPolicy\":\"PreemptLowerPriority\","), "p"));

        Assert.Equal("pods \"p\" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name",
            e.Status.Message);
    }

    [Fact]
    public async Task An_update_that_leaves_out_priority_keeps_the_stored_values()
    {
        await CreateClassAsync("batch", 500, policy: "Never");
        var stored = await AdmitAsync(KnownResources.Pods, Pod("\"priorityClassName\":\"batch\","), "p");
        stored["metadata"]!["resourceVersion"] = "1";
        var update = (JsonObject)stored.DeepClone();
        update["spec"]!.AsObject().Remove("priority");
        update["spec"]!.AsObject().Remove("preemptionPolicy");

        var admitted = await AdmitAsync(KnownResources.Pods, update, "p", old: stored);

        Assert.Equal(500, admitted["spec"]!["priority"]!.GetValue<int>());
        Assert.Equal("Never", admitted["spec"]!["preemptionPolicy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_one_class_may_be_the_global_default()
    {
        await CreateClassAsync("normal", 1000, globalDefault: true);

        var e = await Assert.ThrowsAsync<ApiException>(() => CreateClassAsync("other", 10, globalDefault: true));

        Assert.Equal(403, e.Code);
        Assert.Equal("priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass normal is marked as default. Only one default can exist", e.Status.Message);
        await CreateClassAsync("plain", 10);
    }
}
