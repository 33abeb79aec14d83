using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.ManagedFields;

namespace Axolotl.Api.Tests.ManagedFields;

/// <summary>Merging an applied configuration into a live object, comparing, and removing items.</summary>
public sealed class StructuredMergeTests
{
    private static readonly FieldType PodType = FieldType.ForObject(typeof(Pod));
    private static readonly FieldType DeploymentType = FieldType.ForObject(typeof(Deployment));

    public static TheoryData<string, string, string> Merges => new()
    {
        // Maps merge key by key.
        { "{'metadata':{'labels':{'a':'1','b':'2'}}}", "{'metadata':{'labels':{'b':'3','c':'4'}}}", "{'metadata':{'labels':{'a':'1','b':'3','c':'4'}}}" },
        // Containers merge by name; a container only the live object has stays.
        {
            "{'spec':{'containers':[{'name':'a','image':'x','tty':true},{'name':'b','image':'y'}]}}",
            "{'spec':{'containers':[{'name':'a','image':'z'}]}}",
            "{'spec':{'containers':[{'name':'a','image':'z','tty':true},{'name':'b','image':'y'}]}}"
        },
        // New items go where the configuration puts them; shared ones follow its order.
        {
            "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
            "{'spec':{'containers':[{'name':'c'},{'name':'b'},{'name':'a'}]}}",
            "{'spec':{'containers':[{'name':'c'},{'name':'b'},{'name':'a'}]}}"
        },
        // Tolerations are atomic: replaced whole.
        {
            "{'spec':{'tolerations':[{'key':'a','operator':'Exists'},{'key':'b','operator':'Exists'}]}}",
            "{'spec':{'tolerations':[{'key':'c','operator':'Exists'}]}}",
            "{'spec':{'tolerations':[{'key':'c','operator':'Exists'}]}}"
        },
        // Finalizers are a set.
        { "{'metadata':{'finalizers':['a','b']}}", "{'metadata':{'finalizers':['c','a']}}", "{'metadata':{'finalizers':['c','a','b']}}" },
        // Ports by containerPort and protocol: UDP 53 is a different item from TCP 53.
        {
            "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':53,'protocol':'TCP','name':'dns-tcp'}]}]}}",
            "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':53,'protocol':'UDP'}]}]}}",
            "{'spec':{'containers':[{'name':'a','ports':[{'containerPort':53,'protocol':'TCP','name':'dns-tcp'},{'containerPort':53,'protocol':'UDP'}]}]}}"
        },
    };

    [Theory]
    [MemberData(nameof(Merges))]
    public void Configuration_merges_into_the_live_object(string live, string config, string expected)
    {
        Json.Equal(expected, StructuredMerge.Merge(Json.Parse(live), Json.Parse(config), PodType));
    }

    [Fact]
    public void A_label_selector_is_atomic()
    {
        var merged = StructuredMerge.Merge(
            Json.Parse("{'spec':{'selector':{'matchLabels':{'a':'1','b':'2'}}}}"),
            Json.Parse("{'spec':{'selector':{'matchLabels':{'a':'1'}}}}"), DeploymentType);

        Json.Equal("{'spec':{'selector':{'matchLabels':{'a':'1'}}}}", merged);
    }

    [Fact]
    public void Compare_reports_added_modified_and_removed_paths()
    {
        var comparison = StructuredMerge.Compare(
            Json.Parse("{'spec':{'replicas':1,'paused':true,'template':{'spec':{'containers':[{'name':'a','image':'x'}]}}}}"),
            Json.Parse("{'spec':{'replicas':2,'minReadySeconds':5,'template':{'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'y'}]}}}}"),
            DeploymentType);

        Json.Equal("{'f:spec':{'f:replicas':{}}}", comparison.Modified.ToFieldsV1());
        Json.Equal("{'f:spec':{'f:paused':{}}}", comparison.Removed.ToFieldsV1());
        Json.Equal(
            "{'f:spec':{'f:minReadySeconds':{},'f:template':{'f:spec':{'f:containers':{'k:{`name`:`b`}':{'.':{},'f:image':{},'f:name':{},'f:resources':{}}}}}}}",
            comparison.Added.ToFieldsV1());
    }

    [Fact]
    public void Removing_items_drops_members_whole_and_recurses_into_children()
    {
        var obj = Json.Parse("{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'y','tty':true}]}}");
        var toRemove = FieldSet.FromFieldsV1(Json.Parse(
            "{'f:metadata':{'f:labels':{'f:a':{}}},'f:spec':{'f:containers':{'k:{`name`:`a`}':{},'k:{`name`:`b`}':{'f:tty':{}}}}}"));

        var result = StructuredMerge.RemoveItems(obj, toRemove, PodType);

        Json.Equal("{'metadata':{'labels':{'b':'2'}},'spec':{'containers':[{'name':'b','image':'y'}]}}", result);
    }

    [Fact]
    public void Value_structs_are_never_added_themselves_but_list_items_always_are()
    {
        var comparison = StructuredMerge.Compare(
            Json.Parse("{}"),
            Json.Parse("{'spec':{'hostname':'h'},'status':{'resourceClaimStatuses':[{'name':'x'}]}}"),
            PodType);

        Json.Equal(
            "{'f:spec':{'f:hostname':{}},'f:status':{'f:resourceClaimStatuses':{'.':{},'k:{`name`:`x`}':{'.':{},'f:name':{}}}}}",
            comparison.Added.ToFieldsV1());
    }

    [Fact]
    public void A_list_Go_always_writes_is_not_added_itself_and_a_new_items_value_structs_are()
    {
        // kube-apiserver compares a create against an empty Pod, whose JSON has "containers": null.
        var comparison = StructuredMerge.Compare(
            Json.Parse("{}"), Json.Parse("{'spec':{'containers':[{'name':'a','image':'x'}]}}"), PodType);

        Json.Equal(
            "{'f:spec':{'f:containers':{'k:{`name`:`a`}':{'.':{},'f:image':{},'f:name':{},'f:resources':{}}}}}",
            comparison.Added.ToFieldsV1());
    }

    [Fact]
    public void A_rolling_update_strategy_is_a_pointer_so_it_is_added_itself()
    {
        var comparison = StructuredMerge.Compare(
            Json.Parse("{}"), Json.Parse("{'spec':{'updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'partition':0}}}}"),
            FieldType.ForObject(typeof(StatefulSet)));

        Json.Equal(
            "{'f:spec':{'f:updateStrategy':{'f:rollingUpdate':{'.':{},'f:partition':{}},'f:type':{}}}}",
            comparison.Added.ToFieldsV1());
    }
}
