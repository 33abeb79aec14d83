using System.Text.Json.Nodes;
using Axolotl.Api.Apps;
using Axolotl.Api.ManagedFields;

namespace Axolotl.Api.Tests.ManagedFields;

/// <summary>Ownership across writes: apply conflicts, force, removal of dropped fields, updates, the cap on updaters.</summary>
public sealed class FieldTrackerTests
{
    private static readonly FieldType Type = FieldType.ForObject(typeof(Deployment));
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 13, 0, 0, TimeSpan.Zero);

    private static ManagerEntry Applier(string name) => new(name, ManagerEntry.Apply, "apps/v1", null, new FieldSet());

    private static ManagerEntry Updater(string name, string? subresource = null) => new(name, ManagerEntry.Update, "apps/v1", subresource, new FieldSet());

    private static FieldSet NoFilter(FieldSet set) => set;

    private static JsonObject Deployment(string spec, string labels = "{'app':'web'}") =>
        Json.Object($"{{'apiVersion':'apps/v1','kind':'Deployment','metadata':{{'name':'web','labels':{labels}}},'spec':{spec}}}");

    private static JsonObject Apply(Dictionary<string, ManagerEntry> managers, JsonObject live, JsonObject config, string manager, bool force = false, int minute = 0) =>
        FieldTracker.Apply(managers, live, config, Type, Applier(manager), NoFilter, force, T0.AddMinutes(minute)).Object;

    private static string Fields(Dictionary<string, ManagerEntry> managers, string key) => managers[key].Set.ToFieldsV1().ToJsonString();

    [Fact]
    public void The_first_apply_owns_exactly_its_configuration()
    {
        var managers = new Dictionary<string, ManagerEntry>();

        var result = Apply(managers, [], Deployment("{'replicas':2}"), "alice");

        Json.Equal("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','labels':{'app':'web'}},'spec':{'replicas':2}}", result);
        var entry = Assert.Single(managers.Values);
        Assert.Equal(("alice", "Apply", T0), (entry.Manager, entry.Operation, entry.Time!.Value));
        Json.Equal("{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:replicas':{}}}", entry.Set.ToFieldsV1());
    }

    [Fact]
    public void A_second_manager_changing_an_owned_field_conflicts_with_the_upstream_message()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Apply(managers, [], Deployment("{'replicas':2}"), "alice");

        var e = Assert.Throws<ApplyConflictException>(() => Apply(managers, live, Deployment("{'replicas':3}"), "bob"));

        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas", e.Message);
    }

    [Fact]
    public void Several_conflicts_are_listed_per_manager()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Apply(managers, [], Deployment("{'replicas':2,'minReadySeconds':1}"), "alice");
        live = Apply(managers, live, Deployment("{'paused':false}", "{'app':'web','tier':'a'}"), "carol");
        FieldTracker.Update(managers, live, Deployment("{'replicas':2,'minReadySeconds':1,'paused':false,'revisionHistoryLimit':3}", "{'app':'web','tier':'a'}"),
            Type, Updater("kubectl-edit"), NoFilter, T0.AddMinutes(1));
        live = Deployment("{'replicas':2,'minReadySeconds':1,'paused':false,'revisionHistoryLimit':3}", "{'app':'web','tier':'a'}");

        var e = Assert.Throws<ApplyConflictException>(() =>
            Apply(managers, live, Deployment("{'replicas':5,'minReadySeconds':2,'paused':true,'revisionHistoryLimit':4}"), "bob"));

        Assert.Equal(
            "Apply failed with 4 conflicts: conflicts with \"alice\":\n- .spec.minReadySeconds\n- .spec.replicas\n" +
            "conflicts with \"carol\":\n- .spec.paused\n" +
            "conflicts with \"kubectl-edit\" using apps/v1 at 2026-11-23T13:01:00Z:\n- .spec.revisionHistoryLimit",
            e.Message);
        Assert.Equal(4, e.Conflicts.Count);
    }

    [Fact]
    public void Applying_the_same_value_shares_ownership_without_conflict()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Apply(managers, [], Deployment("{'replicas':2}"), "alice");

        Apply(managers, live, Deployment("{'replicas':2}"), "bob");

        Assert.Equal(2, managers.Count);
        Assert.All(managers.Values, m => Json.Equal("{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:replicas':{}}}", m.Set.ToFieldsV1()));
    }

    [Fact]
    public void Force_takes_the_field_from_its_owner()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Apply(managers, [], Deployment("{'replicas':2,'paused':false}"), "alice");

        var result = Apply(managers, live, Json.Object("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'replicas':3}}"), "bob", force: true);

        Assert.Equal(3, result["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},\"f:spec\":{\"f:paused\":{}}}", Fields(managers, Applier("alice").Key));
        Assert.Equal("{\"f:spec\":{\"f:replicas\":{}}}", Fields(managers, Applier("bob").Key));
    }

    public static TheoryData<string, string, string, string> Removals => new()
    {
        // A field the applier stops applying goes away.
        { "{'replicas':2,'paused':true}", "{'replicas':2}", "", "{'replicas':2}" },
        // Unless another manager owns it too.
        { "{'replicas':2,'paused':true}", "{'replicas':2}", "{'paused':true}", "{'replicas':2,'paused':true}" },
        // A container the applier dropped goes away with all its fields.
        {
            "{'template':{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'y'}]}}}",
            "{'template':{'spec':{'containers':[{'name':'a','image':'x'}]}}}",
            "",
            "{'template':{'spec':{'containers':[{'name':'a','image':'x'}]}}}"
        },
        // A struct whose last owned field went is removed too.
        { "{'strategy':{'rollingUpdate':{'maxSurge':1}}}", "{}", "", "{}" },
    };

    [Theory]
    [MemberData(nameof(Removals))]
    public void Fields_dropped_from_a_configuration_are_removed_when_nobody_else_owns_them(string first, string second, string other, string expected)
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Apply(managers, [], Deployment(first), "alice");
        if (other.Length > 0)
        {
            live = Apply(managers, live, Deployment(other), "bob");
        }

        var result = Apply(managers, live, Deployment(second), "alice");

        Json.Equal(expected, result["spec"]);
    }

    [Fact]
    public void Fields_set_by_an_update_are_kept_when_the_applier_drops_them_after_the_update_took_them()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Apply(managers, [], Deployment("{'replicas':2}"), "alice");
        var scaled = Deployment("{'replicas':5}");
        FieldTracker.Update(managers, live, scaled, Type, Updater("kubectl", "scale"), NoFilter, T0.AddMinutes(1));

        var result = Apply(managers, scaled, Deployment("{'paused':true}"), "alice");

        Json.Equal("{'replicas':5,'paused':true}", result["spec"]);
        Assert.Equal("{\"f:spec\":{\"f:replicas\":{}}}", Fields(managers, Updater("kubectl", "scale").Key));
    }

    [Fact]
    public void Updates_take_what_they_change_and_merge_per_manager()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Deployment("{'replicas':1}");
        FieldTracker.Update(managers, [], live, Type, Updater("kubectl-create"), NoFilter, T0);
        var edited = Deployment("{'replicas':2,'paused':true}");
        FieldTracker.Update(managers, live, edited, Type, Updater("kubectl-edit"), NoFilter, T0.AddMinutes(1));
        var again = Deployment("{'replicas':2,'paused':true,'minReadySeconds':3}");
        FieldTracker.Update(managers, edited, again, Type, Updater("kubectl-edit"), NoFilter, T0.AddMinutes(2));

        Assert.Equal("{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}}}", Fields(managers, Updater("kubectl-create").Key));
        Assert.Equal("{\"f:spec\":{\"f:minReadySeconds\":{},\"f:paused\":{},\"f:replicas\":{}}}", Fields(managers, Updater("kubectl-edit").Key));
        Assert.Equal(T0.AddMinutes(2), managers[Updater("kubectl-edit").Key].Time);
    }

    [Fact]
    public void An_update_that_changes_nothing_keeps_the_entries_and_their_times()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Deployment("{'replicas':1}");
        FieldTracker.Update(managers, [], live, Type, Updater("a"), NoFilter, T0);

        FieldTracker.Update(managers, live, Deployment("{'replicas':1}"), Type, Updater("b"), NoFilter, T0.AddMinutes(5));

        Assert.Equal(T0, Assert.Single(managers.Values).Time);
    }

    [Fact]
    public void More_than_ten_updaters_are_capped_by_merging_the_oldest_into_ancient_changes()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        JsonObject live = [];
        for (var i = 0; i < 12; i++)
        {
            var next = Deployment($"{{'replicas':1,'minReadySeconds':{i}}}", $"{{'l{i}':'x'}}");
            var merged = (JsonObject)live.DeepClone();
            merged["apiVersion"] = "apps/v1";
            merged["kind"] = "Deployment";
            merged["metadata"] = new JsonObject { ["name"] = "web", ["labels"] = ((JsonObject?)live["metadata"]?["labels"])?.DeepClone() ?? new JsonObject() };
            ((JsonObject)merged["metadata"]!["labels"]!)[$"l{i}"] = "x";
            merged["spec"] = next["spec"]!.DeepClone();
            FieldTracker.Update(managers, live, merged, Type, Updater($"m{i:D2}"), NoFilter, T0.AddMinutes(i));
            live = merged;
        }

        Assert.Equal(10, managers.Count);
        var ancient = managers[Updater(FieldTracker.AncientChanges).Key];
        Assert.Equal(T0.AddMinutes(2), ancient.Time);
        Assert.True(ancient.Set.Has([PathElement.Field("metadata"), PathElement.Field("labels"), PathElement.Field("l0")]));
        Assert.True(ancient.Set.Has([PathElement.Field("metadata"), PathElement.Field("labels"), PathElement.Field("l2")]));
        Assert.DoesNotContain(managers.Values, m => m.Manager is "m00" or "m01" or "m02");
    }

    [Fact]
    public void Managed_fields_round_trip_through_their_json_form_in_upstream_order()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Apply(managers, [], Deployment("{'replicas':2}"), "alice");
        FieldTracker.Update(managers, live, Deployment("{'replicas':2,'paused':true}"), Type, Updater("kubectl-edit"), NoFilter, T0.AddMinutes(1));

        var encoded = ManagedFieldsCodec.Encode(managers.Values)!;

        Json.Equal(
            "[{'manager':'alice','operation':'Apply','apiVersion':'apps/v1','time':'2026-11-23T13:00:00Z','fieldsType':'FieldsV1'," +
            "'fieldsV1':{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:replicas':{}}}}," +
            "{'manager':'kubectl-edit','operation':'Update','apiVersion':'apps/v1','time':'2026-11-23T13:01:00Z','fieldsType':'FieldsV1'," +
            "'fieldsV1':{'f:spec':{'f:paused':{}}}}]",
            encoded);
        var decoded = ManagedFieldsCodec.Decode(encoded);
        Assert.Equal(managers.Keys.Order(), decoded.Keys.Order());
    }

    public static TheoryData<string, string> InvalidEntries => new()
    {
        { "[{'manager':'a','operation':'Patch','apiVersion':'v1','fieldsType':'FieldsV1'}]", "operation must be `Apply` or `Update`" },
        { "[{'manager':'a','operation':'Update','fieldsType':'FieldsV1'}]", "apiVersion must not be empty" },
        { "[{'manager':'a','operation':'Update','apiVersion':'v1'}]", "missing fieldsType in managed fields entry 0" },
        { "[{'manager':'a','operation':'Update','apiVersion':'v1','fieldsType':'FieldsV2'}]", "invalid fieldsType \"FieldsV2\" in managed fields entry 0" },
    };

    [Theory]
    [MemberData(nameof(InvalidEntries))]
    public void Invalid_entries_are_refused_with_upstreams_reason(string list, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatException>(() => ManagedFieldsCodec.Decode(Json.Parse(list))).Message);
    }

    [Theory]
    [InlineData("[]", true)]
    [InlineData("[{}]", true)]
    [InlineData("null", false)]
    [InlineData("[{'manager':'a'}]", false)]
    public void An_empty_list_or_one_empty_entry_resets(string list, bool reset)
    {
        Assert.Equal(reset, ManagedFieldsCodec.IsReset(Json.Parse(list)));
    }

    [Fact]
    public void An_update_compares_only_the_top_level_fields_it_is_told_to_and_leaves_other_owners_sets_alone()
    {
        var managers = new Dictionary<string, ManagerEntry>();
        var live = Deployment("{'replicas':1}");
        FieldTracker.Update(managers, [], live, Type, Updater("creator"), NoFilter, T0);
        var creatorSet = managers[Updater("creator").Key].Set;
        var written = Deployment("{'replicas':5}", "{'app':'web','tier':'a'}");
        written["status"] = Json.Object("{'replicas':1}");

        FieldTracker.Update(managers, live, written, Type, Updater("writer", "status"), NoFilter, T0.AddMinutes(1), topLevel: name => name == "status");

        // The labels and replicas changed too, but outside status: neither compared nor taken from the creator.
        Assert.Equal("{\"f:status\":{\"f:replicas\":{}}}", Fields(managers, Updater("writer", "status").Key));
        Assert.Same(creatorSet, managers[Updater("creator").Key].Set);
    }

    [Fact]
    public void Overlaps_finds_a_shared_path_at_any_depth_and_nothing_else()
    {
        var set = FieldSet.Of([PathElement.Field("spec"), PathElement.Field("replicas")], [PathElement.Field("metadata"), PathElement.Field("labels"), PathElement.Field("app")]);

        Assert.True(set.Overlaps(FieldSet.Of([PathElement.Field("metadata"), PathElement.Field("labels"), PathElement.Field("app")])));
        Assert.False(set.Overlaps(FieldSet.Of([PathElement.Field("metadata"), PathElement.Field("labels"), PathElement.Field("tier")])));
        Assert.False(set.Overlaps(FieldSet.Of([PathElement.Field("spec")])));
        Assert.False(set.Overlaps(new FieldSet()));
    }
}
