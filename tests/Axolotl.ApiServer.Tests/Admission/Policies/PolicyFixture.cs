using System.Text.Json.Nodes;
using Axolotl.Api.AdmissionRegistration;
using Axolotl.Api.Scheme;
using Axolotl.Api.Serialization;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Admission.Policies;
using Axolotl.ApiServer.Registry;
using Axolotl.Storage.Memory;
using Axolotl.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Axolotl.ApiServer.Tests.Admission.Policies;

/// <summary>The ValidatingAdmissionPolicy plugin alone over an in-memory store, with policies and bindings set directly in its cache.</summary>
internal sealed class PolicyFixture
{
    public ObjectStore Objects { get; } = new(new InMemoryStore());

    public PolicyCache Cache { get; }

    public AdmissionChain Chain { get; }

    public PolicyFixture()
    {
        Cache = new PolicyCache(Objects, new FakeTimeProvider(), NullLogger<PolicyCache>.Instance);
        var plugin = new ValidatingAdmissionPolicyPlugin(Cache, new PolicyParams(Objects, new ResourceCatalog()), Objects, new FakeTimeProvider(),
            NullLogger<ValidatingAdmissionPolicyPlugin>.Instance);
        Chain = new AdmissionChain(new AdmissionPlugins([plugin]));
    }

    public static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    /// <summary>A policy decoded, defaulted and validated as the API admits it (a bad one throws its 422).</summary>
    public static ValidatingAdmissionPolicy Policy(string name, string spec) =>
        KubeJson.FromNode<ValidatingAdmissionPolicy>(new AdmissionChain().Admit(KnownResources.ValidatingAdmissionPolicies,
            Json("""{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":""" + Quoted(name) + "},\"spec\":" + spec + "}"),
            null, FieldValidationMode.Strict, []))!;

    public static ValidatingAdmissionPolicyBinding Binding(string name, string policy, string actions = "[\"Deny\"]", string extra = "") =>
        KubeJson.FromNode<ValidatingAdmissionPolicyBinding>(new AdmissionChain().Admit(KnownResources.ValidatingAdmissionPolicyBindings,
            Json("""{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicyBinding","metadata":{"name":""" + Quoted(name) +
                 """},"spec":{"policyName":""" + Quoted(policy) + ",\"validationActions\":" + actions + extra + "}}"),
            null, FieldValidationMode.Strict, []))!;

    /// <summary>matchConstraints covering creates and updates of Deployments.</summary>
    public const string Deployments = """{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE","UPDATE"],"resources":["deployments"]}]}""";

    public static JsonObject Deployment(string name, int replicas, string ns = "apps", string labels = "{}") => Json(
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":""" + Quoted(name) + ",\"namespace\":" + Quoted(ns) + ",\"labels\":" + labels + "}," +
        "\"spec\":{\"replicas\":" + replicas.ToString(System.Globalization.CultureInfo.InvariantCulture) + "," +
        """
        "selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"a","image":"busybox"}]}}}}
        """);

    private static string Quoted(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    /// <summary>Admits a write of <paramref name="body"/> through the chain; returns the request's warnings.</summary>
    public async Task<IReadOnlyCollection<string>> WriteAsync(ResourceType type, JsonObject body, JsonObject? old = null)
    {
        var ns = body["metadata"]?["namespace"]?.GetValue<string>();
        var warnings = new List<string>();
        var attributes = new AdmissionAttributes(old is null ? AdmissionOperation.Create : AdmissionOperation.Update, type, ns, null, null)
        {
            Object = body,
            OldObject = old,
            Warnings = warnings,
        };
        await Chain.MutateAsync(attributes, Chain.Default(attributes), CancellationToken.None);
        attributes.Name = body["metadata"]!["name"]!.GetValue<string>();
        await Chain.ValidateAsync(attributes, CancellationToken.None);
        return warnings;
    }

    public async Task CreateAsync(ResourceType type, string json) =>
        await Objects.CreateAsync(type, new AdmissionChain().Admit(type, Json(json), null, FieldValidationMode.Strict, []), CancellationToken.None);
}
