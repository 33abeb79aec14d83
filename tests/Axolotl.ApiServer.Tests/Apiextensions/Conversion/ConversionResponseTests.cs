using System.Text;
using System.Text.Json.Nodes;
using Axolotl.ApiServer.Apiextensions.Conversion;

namespace Axolotl.ApiServer.Tests.Apiextensions.Conversion;

/// <summary>Upstream's checks of a ConversionReview answer and of each converted object, with its messages.</summary>
public sealed class ConversionResponseTests
{
    private const string Gvk = "stable.example.com/v1, Kind=CronTab";
    private const string Uid = "0b7a3e2c-0000-4000-8000-000000000001";

    private static JsonObject Stored(string name = "a", string labels = """{"app":"x"}""") => JsonNode.Parse("""
        {"apiVersion":"stable.example.com/v1","kind":"CronTab",
         "metadata":{"name":"NAME","namespace":"ns","uid":"u-NAME","resourceVersion":"7","labels":LABELS,"finalizers":["keep"]},
         "spec":{"host":"h","port":80}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("LABELS", labels, StringComparison.Ordinal))!.AsObject();

    private static JsonObject Converted(string name = "a", string apiVersion = "stable.example.com/v2", string kind = "CronTab", string meta = "")
    {
        var metadata = meta.Length > 0 ? meta : """{"name":"NAME","namespace":"ns","uid":"u-NAME","labels":{"app":"x"}}""".Replace("NAME", name, StringComparison.Ordinal);
        return JsonNode.Parse("""{"apiVersion":"API","kind":"KIND","metadata":META,"spec":{"hostPort":"h:80"}}"""
            .Replace("API", apiVersion, StringComparison.Ordinal).Replace("KIND", kind, StringComparison.Ordinal).Replace("META", metadata, StringComparison.Ordinal))!.AsObject();
    }

    private static byte[] Answer(string response, string apiVersion = "apiextensions.k8s.io/v1") =>
        Encoding.UTF8.GetBytes("""{"apiVersion":"API","kind":"ConversionReview","response":RESPONSE}"""
            .Replace("API", apiVersion, StringComparison.Ordinal).Replace("RESPONSE", response, StringComparison.Ordinal));

    private static string Failed(Action act) => Assert.Throws<ConversionFailedException>(act).Message;

    [Fact]
    public void The_request_carries_the_uid_the_desired_version_and_the_objects()
    {
        var review = ConversionReview.Request("v1", Uid, "stable.example.com/v2", [Stored()]);
        Assert.Equal("apiextensions.k8s.io/v1", (string?)review["apiVersion"]);
        Assert.Equal("ConversionReview", (string?)review["kind"]);
        Assert.Equal(Uid, (string?)review["request"]!["uid"]);
        Assert.Equal("stable.example.com/v2", (string?)review["request"]!["desiredAPIVersion"]);
        Assert.Equal("h", (string?)review["request"]!["objects"]![0]!["spec"]!["host"]);
    }

    [Fact]
    public void A_v1_answer_must_be_a_v1_ConversionReview_for_the_same_uid_with_result_Success()
    {
        var ok = ConversionReview.ConvertedObjects(Gvk, "v1", Uid, Answer("""{"uid":"UID","result":{"status":"Success"},"convertedObjects":[{"kind":"CronTab"}]}""".Replace("UID", Uid, StringComparison.Ordinal)));
        Assert.Single(ok);

        Assert.Equal($"conversion webhook for {Gvk} failed: expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got apiextensions.k8s.io/v1beta1, Kind=ConversionReview",
            Failed(() => ConversionReview.ConvertedObjects(Gvk, "v1", Uid, Answer("{}", "apiextensions.k8s.io/v1beta1"))));
        Assert.Equal($"conversion webhook for {Gvk} failed: expected response.uid=\"{Uid}\", got \"other\"",
            Failed(() => ConversionReview.ConvertedObjects(Gvk, "v1", Uid, Answer("""{"uid":"other","result":{"status":"Success"}}"""))));
        Assert.Equal($"conversion webhook for {Gvk} failed: no response provided",
            Failed(() => ConversionReview.ConvertedObjects(Gvk, "v1", Uid, Encoding.UTF8.GetBytes("""{"apiVersion":"apiextensions.k8s.io/v1","kind":"ConversionReview"}"""))));
        Assert.Equal($"conversion webhook for {Gvk} failed: v2 needs a host",
            Failed(() => ConversionReview.ConvertedObjects(Gvk, "v1", Uid, Answer("""{"uid":"UID","result":{"status":"Failure","message":"v2 needs a host"}}""".Replace("UID", Uid, StringComparison.Ordinal)))));
        Assert.Equal($"conversion webhook for {Gvk} failed: response.result.status was 'Failure', not 'Success'",
            Failed(() => ConversionReview.ConvertedObjects(Gvk, "v1", Uid, Answer("""{"uid":"UID","result":{"status":"Failure"}}""".Replace("UID", Uid, StringComparison.Ordinal)))));
    }

    [Fact]
    public void A_v1beta1_answer_is_not_checked_for_its_uid()
    {
        var objects = ConversionReview.ConvertedObjects(Gvk, "v1beta1", Uid, Answer("""{"uid":"whatever","result":{"status":"Success"},"convertedObjects":[]}""", "apiextensions.k8s.io/v1beta1"));
        Assert.Empty(objects);
    }

    [Fact]
    public void Garbage_is_a_decoding_error_never_a_crash()
    {
        Assert.Equal($"conversion webhook for {Gvk} failed: 0-length response with status code: 200 and content type: application/json",
            Failed(() => ConversionReview.ConvertedObjects(Gvk, "v1", Uid, [])));
        Assert.Equal($"conversion webhook for {Gvk} failed: couldn't get version/kind; json parse error: invalid character 'n' looking for beginning of value",
            Failed(() => ConversionReview.ConvertedObjects(Gvk, "v1", Uid, Encoding.UTF8.GetBytes("  not json"))));
        Assert.StartsWith($"conversion webhook for {Gvk} failed: couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct",
            Failed(() => ConversionReview.ConvertedObjects(Gvk, "v1", Uid, Encoding.UTF8.GetBytes("[1]"))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_converted_object_keeps_the_original_metadata_but_the_webhooks_labels_and_annotations()
    {
        var meta = """{"name":"a","namespace":"ns","uid":"u-a","resourceVersion":"999","labels":{"app":"y"},"annotations":{"note":"converted"},"finalizers":[]}""";
        var obj = ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(meta: meta)], "stable.example.com/v2");
        Assert.Equal("h:80", (string?)obj["spec"]!["hostPort"]);
        Assert.Equal("7", (string?)obj["metadata"]!["resourceVersion"]);
        Assert.Equal("keep", (string?)obj["metadata"]!["finalizers"]![0]);
        Assert.Equal("y", (string?)obj["metadata"]!["labels"]!["app"]);
        Assert.Equal("converted", (string?)obj["metadata"]!["annotations"]!["note"]);

        // Labels the webhook leaves out are gone, as upstream restores them from the answer.
        var unlabelled = ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(meta: """{"name":"a","namespace":"ns","uid":"u-a"}""")], "stable.example.com/v2");
        Assert.Null(unlabelled["metadata"]!["labels"]);
    }

    [Fact]
    public void A_converted_object_at_another_version_kind_name_namespace_or_uid_is_refused()
    {
        const string v2 = "stable.example.com/v2";
        Assert.Equal($"conversion webhook for {Gvk} returned invalid object at index 0: invalid groupVersion (expected {v2}, received stable.example.com/v1)",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(apiVersion: "stable.example.com/v1")], v2)));
        Assert.Equal($"conversion webhook for {Gvk} returned invalid object at index 0: invalid kind (expected CronTab, received Other)",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(kind: "Other")], v2)));
        Assert.Equal($"conversion webhook for {Gvk} returned invalid object: must have the same name: a != b",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(meta: """{"name":"b","namespace":"ns","uid":"u-a"}""")], v2)));
        Assert.Equal($"conversion webhook for {Gvk} returned invalid object: must have the same namespace: ns != other",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(meta: """{"name":"a","namespace":"other","uid":"u-a"}""")], v2)));
        Assert.Equal($"conversion webhook for {Gvk} returned invalid object: must have the same UID: u-a != u-z",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(meta: """{"name":"a","namespace":"ns","uid":"u-z"}""")], v2)));
        Assert.Equal($"conversion webhook for {Gvk} returned 2 objects, expected 1",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(), Converted()], v2)));
        Assert.Equal("Object 'Kind' is missing in '{\"apiVersion\":\"stable.example.com/v2\"}'",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [JsonNode.Parse("""{"apiVersion":"stable.example.com/v2"}""")], v2)));
    }

    [Fact]
    public void Metadata_the_webhook_breaks_is_refused()
    {
        const string v2 = "stable.example.com/v2";
        var noMeta = Converted();
        noMeta.Remove("metadata");
        // Without metadata the name differs first, as upstream checks the name before restoring metadata.
        Assert.Equal($"conversion webhook for {Gvk} returned invalid object: must have the same name: a != ",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [noMeta], v2)));
        Assert.Equal($"conversion webhook for {Gvk} returned invalid metadata: metadata.labels[app] must be a string, but is float64 in converted object",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(meta: """{"name":"a","namespace":"ns","uid":"u-a","labels":{"app":1}}""")], v2)));
        Assert.StartsWith($"conversion webhook for {Gvk} returned invalid metadata: metadata.labels: Invalid value: \"not a valid value!\"",
            Failed(() => ConvertedObjects.CheckOne(Gvk, Stored(), [Converted(meta: """{"name":"a","namespace":"ns","uid":"u-a","labels":{"app":"not a valid value!"}}""")], v2)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_is_checked_item_by_item_with_upstreams_list_wording()
    {
        const string v2 = "stable.example.com/v2";
        const string list = "stable.example.com/v1, Kind=CronTabList";
        var items = ConvertedObjects.CheckList(list, [Stored("a"), Stored("b")], [Converted("a"), Converted("b")], v2);
        Assert.Equal(["a", "b"], items.Select(i => (string?)i["metadata"]!["name"]));
        Assert.Equal($"conversion webhook for {list} returned 1 objects, expected 2",
            Failed(() => ConvertedObjects.CheckList(list, [Stored("a"), Stored("b")], [Converted("a")], v2)));
        // Upstream counts an item as read before checking it: the second item's error names index 2.
        Assert.Equal($"conversion webhook for {list} returned invalid converted object at index 2: must have the same name: b != a",
            Failed(() => ConvertedObjects.CheckList(list, [Stored("a"), Stored("b")], [Converted("a"), Converted("a", meta: """{"name":"a","namespace":"ns","uid":"u-b"}""")], v2)));
    }
}
