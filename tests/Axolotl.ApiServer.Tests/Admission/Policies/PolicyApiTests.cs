using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Axolotl.Testing;

namespace Axolotl.ApiServer.Tests.Admission.Policies;

/// <summary>ValidatingAdmissionPolicies and bindings written through the real HTTP API and enforced on the requests after.</summary>
public sealed class PolicyApiTests : IAsyncLifetime
{
    private const string Group = "/apis/admissionregistration.k8s.io/v1";
    private InProcessCluster _cluster = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _cluster = await InProcessCluster.StartAsync(CancellationToken.None);
        _http = _cluster.CreateHttpClient();
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""", HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string body, HttpStatusCode? expected = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var response = await _http.SendAsync(request, CancellationToken.None);
        if (expected is { } code)
        {
            Assert.True(response.StatusCode == code, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return response;
    }

    private static async Task<JsonObject> BodyOf(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>(CancellationToken.None))!;

    private static string ConfigMap(string name, int size) =>
        """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":""" + $"\"{name}\"" + """},"data":{"size":""" + $"\"{size}\"" + "}}";

    private const string SizePolicy = """
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"size"},
         "spec":{"matchConstraints":{"resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],"resources":["configmaps"]}]},
                 "validations":[{"expression":"int(object.data.size) <= 10","message":"size must be at most 10"}]}}
        """;

    private static string SizeBinding(string name, string action) =>
        """{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicyBinding","metadata":{"name":""" + $"\"{name}\"" +
        """},"spec":{"policyName":"size","validationActions":[""" + $"\"{action}\"" + "]}}";

    [Fact]
    public async Task A_policy_and_binding_take_effect_promptly_and_their_removal_too()
    {
        await SendAsync(HttpMethod.Post, $"{Group}/validatingadmissionpolicies", SizePolicy, HttpStatusCode.Created);
        await SendAsync(HttpMethod.Post, $"{Group}/validatingadmissionpolicybindings", SizeBinding("size-deny", "Deny"), HttpStatusCode.Created);

        var refused = await Eventually.UntilAsync(() => SendAsync(HttpMethod.Post, "/api/v1/namespaces/apps/configmaps?dryRun=All", ConfigMap("big", 11)),
            r => r.StatusCode == HttpStatusCode.UnprocessableEntity, "the policy to reach the admission cache");
        var status = await BodyOf(refused);
        Assert.Equal("configmaps \"big\" is forbidden: ValidatingAdmissionPolicy 'size' with binding 'size-deny' denied request: size must be at most 10",
            status["message"]!.GetValue<string>());
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces/apps/configmaps", ConfigMap("small", 3), HttpStatusCode.Created);

        await SendAsync(HttpMethod.Delete, $"{Group}/validatingadmissionpolicybindings/size-deny", "{}", HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, $"{Group}/validatingadmissionpolicybindings", SizeBinding("size-warn", "Warn"), HttpStatusCode.Created);
        var warned = await Eventually.UntilAsync(() => SendAsync(HttpMethod.Post, "/api/v1/namespaces/apps/configmaps?dryRun=All", ConfigMap("big", 11)),
            r => r.StatusCode == HttpStatusCode.Created && r.Headers.Contains("Warning"), "the warning binding to replace the denying one");
        Assert.Contains("299 - \"Validation failed for ValidatingAdmissionPolicy 'size' with binding 'size-warn': size must be at most 10\"", warned.Headers.GetValues("Warning"));
    }

    [Fact]
    public async Task A_policy_whose_expression_does_not_compile_is_refused_with_its_field()
    {
        var response = await SendAsync(HttpMethod.Post, $"{Group}/validatingadmissionpolicies",
            SizePolicy.Replace("int(object.data.size) <= 10", "authorizer.serviceAccount('a', 'b').check('get').allowed()", StringComparison.Ordinal),
            HttpStatusCode.UnprocessableEntity);

        var cause = (await BodyOf(response))["details"]!["causes"]![0]!;
        Assert.Equal("spec.validations[0].expression", cause["field"]!.GetValue<string>());
        Assert.Contains("undeclared reference to 'authorizer'", cause["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_status_subresource_is_served_and_leaves_the_spec_alone()
    {
        var created = await BodyOf(await SendAsync(HttpMethod.Post, $"{Group}/validatingadmissionpolicies", SizePolicy, HttpStatusCode.Created));
        created["status"] = JsonNode.Parse("""{"observedGeneration":1,"typeChecking":{}}""");
        created["spec"]!["failurePolicy"] = "Ignore";

        var updated = await BodyOf(await SendAsync(HttpMethod.Put, $"{Group}/validatingadmissionpolicies/size/status", created.ToJsonString(), HttpStatusCode.OK));

        Assert.Equal(1, updated["status"]!["observedGeneration"]!.GetValue<long>());
        Assert.Equal("Fail", updated["spec"]!["failurePolicy"]!.GetValue<string>());
    }
}
