using System.Text.Json.Nodes;
using Axolotl.Api.Apps;
using Axolotl.Api.ManagedFields;

namespace Axolotl.Api.Tests.ManagedFields;

/// <summary>
/// Entries read from the stored object keep their fieldsV1 unread until a write needs the set: what a write makes of
/// them must be what it makes of the same entries read at once.
/// </summary>
public sealed class StoredEntryTests
{
    private static readonly FieldType Type = FieldType.ForObject(typeof(Deployment));
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);

    // What this server's encoder writes: the creator owns labels and the spec's replicas and template, a controller
    // owns status (with a "." member on a node that has children), an updater owns one annotation.
    private const string StoredList = """
        [{"manager":"kubectl-create","operation":"Update","apiVersion":"apps/v1","time":"2026-11-28T12:00:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}}}}}},
         {"manager":"controller","operation":"Update","apiVersion":"apps/v1","time":"2026-11-28T12:01:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:status":{"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:status":{},"f:type":{}}},"f:replicas":{}}},"subresource":"status"},
         {"manager":"annotator","operation":"Update","apiVersion":"apps/v1","time":"2026-11-28T12:02:00Z","fieldsType":"FieldsV1",
          "fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:note":{}}}}}]
        """;

    private const string Live = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},"annotations":{"note":"a"}},
         "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"web"}}}},
         "status":{"replicas":2,"conditions":[{"type":"Available","status":"True"}]}}
        """;

    public static TheoryData<string, string?> Writes => new()
    {
        // A status write: only the controller's entry is touched.
        { """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},"annotations":{"note":"a"}},"spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"web"}}}},"status":{"replicas":3,"conditions":[{"type":"Available","status":"False"}]}}""", "status" },
        // A spec write taking the creator's replicas and dropping the annotator's annotation.
        { """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":5,"template":{"metadata":{"labels":{"app":"web"}}}},"status":{"replicas":2,"conditions":[{"type":"Available","status":"True"}]}}""", null },
        // A write of a field nobody owns yet.
        { """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},"annotations":{"note":"a"}},"spec":{"replicas":2,"paused":true,"template":{"metadata":{"labels":{"app":"web"}}}},"status":{"replicas":2,"conditions":[{"type":"Available","status":"True"}]}}""", null },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public void A_write_makes_the_same_list_of_stored_entries_as_of_entries_read_at_once(string updated, string? subresource)
    {
        string Track(bool stored)
        {
            var managers = ManagedFieldsCodec.Decode(JsonNode.Parse(StoredList), stored);
            var writer = new ManagerEntry("writer", ManagerEntry.Update, "apps/v1", subresource, new FieldSet());
            FieldTracker.Update(managers, (JsonObject)JsonNode.Parse(Live)!, (JsonObject)JsonNode.Parse(updated)!, Type, writer, set => set, T0);
            return ManagedFieldsCodec.Encode(managers.Values)!.ToJsonString();
        }

        Assert.Equal(Track(stored: false), Track(stored: true));
    }

    [Fact]
    public void An_entry_whose_set_is_never_read_is_written_back_as_stored()
    {
        var stored = (JsonArray)JsonNode.Parse(StoredList)!;
        var managers = ManagedFieldsCodec.Decode(stored, stored: true);

        var encoded = ManagedFieldsCodec.Encode(managers.Values)!;

        Assert.True(JsonNode.DeepEquals(stored, encoded));
        Assert.NotSame(stored[0]!["fieldsV1"], encoded[0]!["fieldsV1"]);
    }

    [Theory]
    [InlineData("""{"f:metadata":{"f:labels":{}}}""")]
    [InlineData("""{"f:metadata":{"f:labels":{"f:app":{}}}}""")]
    [InlineData("""{"f:metadata":{"f:labels":{"f:tier":{}}}}""")]
    [InlineData("""{"f:status":{"f:conditions":{}}}""")]
    [InlineData("""{"f:status":{"f:conditions":{"k:{\"type\":\"Available\"}":{}}}}""")]
    [InlineData("""{"f:status":{"f:conditions":{"k:{\"type\":\"Progressing\"}":{}}}}""")]
    [InlineData("""{"f:spec":{"f:template":{}}}""")]
    [InlineData("""{"f:spec":{"f:template":{"f:metadata":{"f:labels":{"f:app":{}}}}}}""")]
    [InlineData("""{"f:spec":{"f:paused":{}},"f:status":{"f:replicas":{}}}""")]
    public void A_stored_entry_overlaps_what_its_read_set_overlaps(string other)
    {
        var set = FieldSet.FromFieldsV1(JsonNode.Parse(other));
        foreach (var entry in ManagedFieldsCodec.Decode(JsonNode.Parse(StoredList), stored: true).Values)
        {
            var read = ManagedFieldsCodec.Decode(JsonNode.Parse(StoredList))[entry.Key];
            Assert.Equal(read.Set.Overlaps(set), entry.Overlaps(set));
        }
    }
}
