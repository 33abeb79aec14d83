using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.Api.Selectors;
using Axolotl.ApiServer.Rest;
using Axolotl.ApiServer.Watch.Cache;

namespace Axolotl.ApiServer.Tests.Watch;

/// <summary>
/// The watch cache's per-event filter attributes: they answer selectors as the object would, and share the
/// previous event's parts where a change left them as they were, so that the ring does not keep a copy of
/// every label and field value per event.
/// </summary>
public sealed class ObjectAttributesTests
{
    private static readonly WatchCacheViews Views = new(KindViews.ToView, FieldLabels.SupportedBy, FieldLabels.Value);
    private static readonly FieldNames PodFields = FieldNames.Of(KnownResources.Pods, Views);

    private static JsonObject Pod(string phase, string? node, string app = "web")
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "i" }) };
        if (node is not null)
        {
            spec["nodeName"] = node;
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "p", ["namespace"] = "ns", ["labels"] = new JsonObject { ["app"] = app, ["tier"] = "front" } },
            ["spec"] = spec,
            ["status"] = new JsonObject { ["phase"] = phase },
        };
    }

    private static bool Matches(ObjectAttributes a, string? labels, string? fields) =>
        a.Matches(ParsedLabelSelector.Parse(labels), FieldSelector.Parse(fields));

    [Theory]
    [InlineData("app=web", null, true)]
    [InlineData("app=db", null, false)]
    [InlineData("tier", "spec.nodeName=n1", true)]
    [InlineData(null, "spec.nodeName=n2", false)]
    [InlineData(null, "status.phase=Running,metadata.namespace=ns", true)]
    [InlineData(null, "metadata.name=p", true)]
    [InlineData(null, "metadata.name!=p", false)]
    [InlineData(null, "spec.schedulerName=default-scheduler", false)]
    public void Attributes_answer_selectors_as_the_object_would(string? labels, string? fields, bool expected)
    {
        var a = ObjectAttributes.Of(PodFields, Pod("Running", "n1"), Views);
        Assert.Equal(expected, Matches(a, labels, fields));
    }

    [Fact]
    public void A_field_the_object_lacks_reads_as_empty()
    {
        var a = ObjectAttributes.Of(PodFields, Pod("Pending", null), Views);
        Assert.True(Matches(a, null, "spec.nodeName="));
        Assert.False(Matches(a, null, "spec.nodeName!="));
    }

    [Fact]
    public void A_change_no_filter_reads_shares_the_previous_attributes_whole()
    {
        var before = ObjectAttributes.Of(PodFields, Pod("Running", "n1"), Views);
        var changed = Pod("Running", "n1");
        changed["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" });
        changed["metadata"]!["annotations"] = new JsonObject { ["a"] = "b" };

        Assert.Same(before, ObjectAttributes.Of(PodFields, changed, Views, before));
    }

    [Fact]
    public void A_changed_field_makes_new_attributes_that_see_the_change_and_keep_the_labels()
    {
        var pending = ObjectAttributes.Of(PodFields, Pod("Pending", null), Views);
        var bound = ObjectAttributes.Of(PodFields, Pod("Pending", "n1"), Views, pending);

        Assert.NotSame(pending, bound);
        Assert.True(Matches(bound, "app=web", "spec.nodeName=n1"));
        Assert.False(Matches(pending, null, "spec.nodeName=n1"));
    }

    [Fact]
    public void A_label_change_is_seen_by_the_new_attributes_and_not_by_the_old()
    {
        var web = ObjectAttributes.Of(PodFields, Pod("Running", "n1"), Views);
        var db = ObjectAttributes.Of(PodFields, Pod("Running", "n1", app: "db"), Views, web);

        Assert.True(Matches(db, "app=db", null));
        Assert.False(Matches(db, "app=web", null));
        Assert.True(Matches(web, "app=web", null));
    }

    [Fact]
    public void Labels_removed_altogether_match_no_label_selector()
    {
        var labelled = ObjectAttributes.Of(PodFields, Pod("Running", "n1"), Views);
        var bare = Pod("Running", "n1");
        bare["metadata"]!.AsObject().Remove("labels");
        var unlabelled = ObjectAttributes.Of(PodFields, bare, Views, labelled);

        Assert.False(Matches(unlabelled, "app", null));
        Assert.True(Matches(unlabelled, "!app", null));
    }
}
