using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Admission.Webhooks;
using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Tests.Admission.Webhooks;

public sealed class AdmissionReviewResponseTests
{
    private static byte[] Body(string response, string apiVersion = "admission.k8s.io/v1") =>
        Encoding.UTF8.GetBytes($$"""{"apiVersion":"{{apiVersion}}","kind":"AdmissionReview","response":{{response}}}""");

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Reason(Action parse) => Assert.Throws<WebhookCallException>(parse).Reason;

    [Fact]
    public void An_allowed_answer_with_a_json_patch_and_warnings_is_read()
    {
        var patch = Base64("""[{"op":"add","path":"/metadata/labels","value":{"a":"b"}}]""");
        var response = AdmissionReviewResponse.Parse("m.example.com", "v1", "u1", mutating: true,
            Body($$"""{"uid":"u1","allowed":true,"patchType":"JSONPatch","patch":"{{patch}}","warnings":["careful"]}"""));
        Assert.True(response.Allowed);
        Assert.Equal("add", response.Patch![0]!["op"]!.GetValue<string>());
        Assert.Equal(["careful"], response.Warnings);
    }

    [Fact]
    public void Answers_that_cannot_be_used_are_call_failures_in_upstreams_words()
    {
        Assert.Equal("received invalid webhook response: expected response.uid=\"u1\", got \"other\"",
            Reason(() => AdmissionReviewResponse.Parse("v.example.com", "v1", "u1", false, Body("""{"uid":"other","allowed":true}"""))));
        Assert.Equal("received invalid webhook response: webhook response was absent",
            Reason(() => AdmissionReviewResponse.Parse("v.example.com", "v1", "u1", false, Encoding.UTF8.GetBytes("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"""))));
        Assert.Equal("received invalid webhook response: expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview",
            Reason(() => AdmissionReviewResponse.Parse("v.example.com", "v1", "u1", false, Body("""{"uid":"u1","allowed":true}""", "admission.k8s.io/v1beta1"))));
        Assert.StartsWith("failed to call webhook: couldn't get version/kind; json parse error:",
            Reason(() => AdmissionReviewResponse.Parse("v.example.com", "v1", "u1", false, Encoding.UTF8.GetBytes("garbage"))), StringComparison.Ordinal);
        Assert.Equal("received invalid webhook response: webhook returned response.patch but not response.patchType",
            Reason(() => AdmissionReviewResponse.Parse("m.example.com", "v1", "u1", true, Body($$"""{"uid":"u1","allowed":true,"patch":"{{Base64("[]")}}"}"""))));
        Assert.Equal("received invalid webhook response: validating webhook may not return response.patchType",
            Reason(() => AdmissionReviewResponse.Parse("v.example.com", "v1", "u1", false, Body("""{"uid":"u1","allowed":true,"patchType":"JSONPatch"}"""))));
        Assert.Equal("unsupported patch type \"MergePatch\"",
            Reason(() => AdmissionReviewResponse.Parse("m.example.com", "v1", "u1", true, Body($$"""{"uid":"u1","allowed":true,"patchType":"MergePatch","patch":"{{Base64("{}")}}"}"""))));
    }

    [Fact]
    public void A_refusal_carries_the_webhooks_status_with_at_least_a_400()
    {
        var denied = WebhookInvoker.Denied("deny.example.com", JsonNode.Parse("""{"code":403,"message":"no configmaps named bad"}""")!.AsObject());
        Assert.Equal(403, denied.Status.Code);
        Assert.Equal("admission webhook \"deny.example.com\" denied the request: no configmaps named bad", denied.Status.Message);
        var bare = WebhookInvoker.Denied("deny.example.com", null);
        Assert.Equal(400, bare.Status.Code);
        Assert.Equal("admission webhook \"deny.example.com\" denied the request without explanation", bare.Status.Message);
    }

    [Fact]
    public void A_patch_may_not_change_which_object_the_request_writes()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"apps"}}""")!.AsObject();
        var renamed = Assert.Throws<ApiException>(() => WebhookPatch.Apply("m.example.com", obj,
            JsonNode.Parse("""[{"op":"replace","path":"/metadata/name","value":"b"}]""")!.AsArray()));
        Assert.Equal(500, renamed.Status.Code);
        Assert.Contains("may not change metadata.name", renamed.Status.Message, StringComparison.Ordinal);
        var labelled = WebhookPatch.Apply("m.example.com", obj, JsonNode.Parse("""[{"op":"add","path":"/metadata/labels","value":{"x":"y"}}]""")!.AsArray());
        Assert.Equal("y", labelled["metadata"]!["labels"]!["x"]!.GetValue<string>());
        Assert.Equal(500, Assert.Throws<ApiException>(() => WebhookPatch.Apply("m.example.com", obj,
            JsonNode.Parse("""[{"op":"remove","path":"/spec"}]""")!.AsArray())).Status.Code);
    }
}
