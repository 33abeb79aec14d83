using Axolotl.Api.Patch;

namespace Axolotl.Api.Tests.Patch;

// Cases modelled on upstream's strategicpatch tests (server-side application of two-way and three-way patches),
// written here as JSON against the MergeItem test type.
public sealed class StrategicMergePatchTests
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        { "a new field is added", "{'name':'1'}", "{'value':'1'}", "{'name':'1','value':'1'}" },
        { "null removes a field", "{'name':'1','value':'1'}", "{'value':null}", "{'name':'1'}" },
        { "null for an absent field changes nothing", "{'name':'1'}", "{'other':null}", "{'name':'1'}" },
        { "an empty patch changes nothing", "{'name':'1','mergingList':[{'name':'a'}]}", "{}", "{'name':'1','mergingList':[{'name':'a'}]}" },
        {
            "a map merges key by key and null removes a key",
            "{'simpleMap':{'a':'1','b':'2'}}",
            "{'simpleMap':{'b':'3','c':'4','a':null}}",
            "{'simpleMap':{'b':'3','c':'4'}}"
        },
        {
            "a list without merge strategy is replaced",
            "{'nonMergingList':[{'name':'1'},{'name':'2'}]}",
            "{'nonMergingList':[{'name':'3'}]}",
            "{'nonMergingList':[{'name':'3'}]}"
        },
        { "a primitive list without merge strategy is replaced", "{'nonMergingIntList':[1,2]}", "{'nonMergingIntList':[2,3]}", "{'nonMergingIntList':[2,3]}" },
        { "new items of a merging primitive list go in front", "{'mergingIntList':[1,2]}", "{'mergingIntList':[3]}", "{'mergingIntList':[3,1,2]}" },
        { "a merging primitive list is merged as a set", "{'mergingIntList':[1,2]}", "{'mergingIntList':[2,3]}", "{'mergingIntList':[1,2,3]}" },
        {
            "$deleteFromPrimitiveList removes every copy of the listed items",
            "{'mergingIntList':[1,2,3,2]}",
            "{'$deleteFromPrimitiveList/mergingIntList':[2]}",
            "{'mergingIntList':[1,3]}"
        },
        { "$deleteFromPrimitiveList of an absent item changes nothing", "{'mergingIntList':[1,2]}", "{'$deleteFromPrimitiveList/mergingIntList':[3]}", "{'mergingIntList':[1,2]}" },
        { "$deleteFromPrimitiveList never creates the list", "{'name':'a'}", "{'$deleteFromPrimitiveList/mergingIntList':[3]}", "{'name':'a'}" },
        {
            "$deleteFromPrimitiveList also works on a list without merge strategy",
            "{'nonMergingIntList':[1,2,3]}",
            "{'$deleteFromPrimitiveList/nonMergingIntList':[2]}",
            "{'nonMergingIntList':[1,3]}"
        },
        {
            "$deleteFromPrimitiveList runs after the additions of the same patch",
            "{'mergingIntList':[1,2]}",
            "{'mergingIntList':[3],'$deleteFromPrimitiveList/mergingIntList':[1]}",
            "{'mergingIntList':[3,2]}"
        },
        {
            "merging list items merge by their key",
            "{'mergingList':[{'name':'1'},{'name':'2','value':'2'}]}",
            "{'mergingList':[{'name':'2','other':'b'}]}",
            "{'mergingList':[{'name':'1'},{'name':'2','value':'2','other':'b'}]}"
        },
        {
            "new merging list items go in front of the server items",
            "{'mergingList':[{'name':'1'},{'name':'2'}]}",
            "{'mergingList':[{'name':'3','value':'3'}]}",
            "{'mergingList':[{'name':'3','value':'3'},{'name':'1'},{'name':'2'}]}"
        },
        {
            "a null inside a merged item removes that field",
            "{'mergingList':[{'name':'1','value':'1','other':'a'}]}",
            "{'mergingList':[{'name':'1','value':null}]}",
            "{'mergingList':[{'name':'1','other':'a'}]}"
        },
        {
            "$patch delete removes the item with that key",
            "{'mergingList':[{'name':'1'},{'name':'2'}]}",
            "{'mergingList':[{'name':'1','$patch':'delete'}]}",
            "{'mergingList':[{'name':'2'}]}"
        },
        {
            "$patch delete of every item leaves an empty list",
            "{'mergingList':[{'name':'1'},{'name':'2'}]}",
            "{'mergingList':[{'name':'1','$patch':'delete'},{'name':'2','$patch':'delete'}]}",
            "{'mergingList':[]}"
        },
        {
            "$patch delete of an absent item changes nothing",
            "{'mergingList':[{'name':'1'}]}",
            "{'mergingList':[{'name':'9','$patch':'delete'}]}",
            "{'mergingList':[{'name':'1'}]}"
        },
        {
            "$patch replace in a list replaces the whole list",
            "{'mergingList':[{'name':'1','value':'a'},{'name':'2'}]}",
            "{'mergingList':[{'name':'3'},{'$patch':'replace'}]}",
            "{'mergingList':[{'name':'3'}]}"
        },
        {
            "$patch replace in a map replaces the whole map",
            "{'simpleMap':{'a':'1'},'name':'x'}",
            "{'simpleMap':{'$patch':'replace','b':'2'}}",
            "{'simpleMap':{'b':'2'},'name':'x'}"
        },
        { "$patch replace at the top replaces the object", "{'name':'1','value':'2'}", "{'$patch':'replace','other':'x'}", "{'other':'x'}" },
        { "$patch delete on a map empties it", "{'simpleMap':{'a':'1'}}", "{'simpleMap':{'$patch':'delete'}}", "{'simpleMap':{}}" },
        { "$patch delete on an absent map adds nothing", "{'name':'1'}", "{'simpleMap':{'$patch':'delete'}}", "{'name':'1'}" },
        { "$patch merge is the default merge", "{'simpleMap':{'a':'1'}}", "{'simpleMap':{'$patch':'merge','b':'2'}}", "{'simpleMap':{'a':'1','b':'2'}}" },
        {
            "a replace-strategy field is replaced, not merged",
            "{'replacingItem':{'a':1,'b':2}}",
            "{'replacingItem':{'c':3}}",
            "{'replacingItem':{'c':3}}"
        },
        {
            "lists nested in merged items merge too",
            "{'mergingList':[{'name':'1','other':'a','mergingList':[{'name':'1'},{'name':'2','value':'2'}]},{'name':'2','other':'b'}]}",
            "{'$setElementOrder/mergingList':[{'name':'1'},{'name':'2'}],'mergingList':[{'$setElementOrder/mergingList':[{'name':'1'},{'name':'2'}],'name':'1','mergingList':[{'name':'1','value':'1'}]}]}",
            "{'mergingList':[{'name':'1','other':'a','mergingList':[{'name':'1','value':'1'},{'name':'2','value':'2'}]},{'name':'2','other':'b'}]}"
        },
        {
            "$retainKeys drops the keys it does not list",
            "{'retainKeysMap':{'name':'foo','value':'bar','other':'baz'}}",
            "{'retainKeysMap':{'$retainKeys':['name','other'],'other':'new'}}",
            "{'retainKeysMap':{'name':'foo','other':'new'}}"
        },
        {
            "$retainKeys allows nulls for keys it does not list",
            "{'retainKeysMap':{'name':'a','value':'b'}}",
            "{'retainKeysMap':{'$retainKeys':['name'],'value':null}}",
            "{'retainKeysMap':{'name':'a'}}"
        },
        {
            "$retainKeys applies inside merged list items",
            "{'retainKeysMergingList':[{'name':'1','value':'a','other':'b'},{'name':'2','value':'c'}]}",
            "{'retainKeysMergingList':[{'name':'1','$retainKeys':['name','value'],'value':'x'}]}",
            "{'retainKeysMergingList':[{'name':'1','value':'x'},{'name':'2','value':'c'}]}"
        },
        {
            "$setElementOrder alone reorders a merged list",
            "{'mergingList':[{'name':'1','other':'a'},{'name':'3','value':'3'},{'name':'4','value':'4'},{'name':'2','value':'2'}]}",
            "{'$setElementOrder/mergingList':[{'name':'4'},{'name':'2'},{'name':'3'},{'name':'1'}]}",
            "{'mergingList':[{'name':'4','value':'4'},{'name':'2','value':'2'},{'name':'3','value':'3'},{'name':'1','other':'a'}]}"
        },
        {
            "$setElementOrder leaves a trailing server-only item at the end",
            "{'mergingList':[{'name':'1','other':'a'},{'name':'3','value':'3'},{'name':'4','value':'4'},{'name':'2','value':'2'},{'name':'9'}]}",
            "{'$setElementOrder/mergingList':[{'name':'4'},{'name':'2'},{'name':'3'},{'name':'1'}]}",
            "{'mergingList':[{'name':'4','value':'4'},{'name':'2','value':'2'},{'name':'3','value':'3'},{'name':'1','other':'a'},{'name':'9'}]}"
        },
        {
            "$setElementOrder keeps a server-only item ahead of the items it preceded",
            "{'mergingList':[{'name':'1','other':'a'},{'name':'2','value':'2'},{'name':'9'},{'name':'3','value':'3'},{'name':'4','value':'4'}]}",
            "{'$setElementOrder/mergingList':[{'name':'2'},{'name':'1'},{'name':'4'},{'name':'3'}]}",
            "{'mergingList':[{'name':'2','value':'2'},{'name':'1','other':'a'},{'name':'9'},{'name':'4','value':'4'},{'name':'3','value':'3'}]}"
        },
        {
            "$setElementOrder keeps a run of server-only items together",
            "{'mergingList':[{'name':'1'},{'name':'2'},{'name':'7'},{'name':'9'},{'name':'8'},{'name':'3'},{'name':'4'}]}",
            "{'$setElementOrder/mergingList':[{'name':'2'},{'name':'1'},{'name':'4'},{'name':'3'}]}",
            "{'mergingList':[{'name':'2'},{'name':'1'},{'name':'7'},{'name':'9'},{'name':'8'},{'name':'4'},{'name':'3'}]}"
        },
        {
            "$setElementOrder places a new item where the order says",
            "{'mergingList':[{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'}]}",
            "{'$setElementOrder/mergingList':[{'name':'3'},{'name':'1'},{'name':'2'}],'mergingList':[{'name':'3','value':'3'}]}",
            "{'mergingList':[{'name':'3','value':'3'},{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'}]}"
        },
        {
            "$setElementOrder places new items at both ends",
            "{'mergingList':[{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'}]}",
            "{'$setElementOrder/mergingList':[{'name':'4'},{'name':'1'},{'name':'2'},{'name':'3'}],'mergingList':[{'name':'4','value':'4'},{'name':'3','value':'3'}]}",
            "{'mergingList':[{'name':'4','value':'4'},{'name':'1','other':'a'},{'name':'2','value':'2','other':'b'},{'name':'3','value':'3'}]}"
        },
        {
            "$setElementOrder orders a merged primitive list around a server-only item",
            "{'mergingIntList':[1,2,4]}",
            "{'$setElementOrder/mergingIntList':[1,2,3],'mergingIntList':[3]}",
            "{'mergingIntList':[1,2,3,4]}"
        },
        {
            "$setElementOrder keeps duplicate primitives together",
            "{'mergingIntList':[1,2,3,2,4]}",
            "{'$setElementOrder/mergingIntList':[2,1,4,3,2]}",
            "{'mergingIntList':[2,2,1,4,3]}"
        },
        {
            "$setElementOrder keeps items with a duplicate key together",
            "{'mergingList':[{'name':'1'},{'name':'2','value':'dup1'},{'name':'3'},{'name':'2','value':'dup2'},{'name':'4'}]}",
            "{'$setElementOrder/mergingList':[{'name':'2'},{'name':'1'},{'name':'4'},{'name':'3'},{'name':'2'}]}",
            "{'mergingList':[{'name':'2','value':'dup1'},{'name':'2','value':'dup2'},{'name':'1'},{'name':'4'},{'name':'3'}]}"
        },
        {
            "$setElementOrder may name items the list lacks",
            "{'mergingList':[{'name':'1'},{'name':'3'}]}",
            "{'$setElementOrder/mergingList':[{'name':'3'},{'name':'2'},{'name':'1'}],'mergingList':[{'name':'3','value':'3'},{'name':'1','value':'1'}]}",
            "{'mergingList':[{'name':'3','value':'3'},{'name':'1','value':'1'}]}"
        },
        { "$setElementOrder may name primitives the list lacks", "{'mergingIntList':[1,3]}", "{'$setElementOrder/mergingIntList':[3,2,1]}", "{'mergingIntList':[3,1]}" },
        {
            "$setElementOrder with a deletion drops the item and keeps the rest",
            "{'mergingList':[{'name':'a','value':'a'},{'name':'b','value':'b'}]}",
            "{'$setElementOrder/mergingList':[{'name':'b'}],'mergingList':[{'$patch':'delete','name':'a'}]}",
            "{'mergingList':[{'name':'b','value':'b'}]}"
        },
        {
            "$setElementOrder for an absent list creates it from the patch",
            "{'name':'1'}",
            "{'$setElementOrder/mergingList':[{'name':'b'},{'name':'a'}],'mergingList':[{'name':'b'},{'name':'a','value':null}]}",
            "{'name':'1','mergingList':[{'name':'b'},{'name':'a'}]}"
        },
        {
            "an undeclared field merges like a plain map",
            "{'extra':{'a':1,'b':{'c':2}}}",
            "{'extra':{'a':null,'b':{'d':3}}}",
            "{'extra':{'b':{'c':2,'d':3}}}"
        },
        { "an undeclared list is replaced", "{'extraList':[1,2]}", "{'extraList':[3]}", "{'extraList':[3]}" },
        {
            "an undeclared list named by $setElementOrder merges by the key the order uses",
            "{'extraList':[{'id':'a','v':1},{'id':'b','v':2}]}",
            "{'$setElementOrder/extraList':[{'id':'a'},{'id':'b'}],'extraList':[{'id':'b','v':3}]}",
            "{'extraList':[{'id':'a','v':1},{'id':'b','v':3}]}"
        },
        { "a value of another JSON type replaces the original", "{'value':'a','simpleMap':{'a':'1'}}", "{'value':['x'],'simpleMap':'flat'}", "{'value':['x'],'simpleMap':'flat'}" },
        {
            "values without an original carry no directives and no nulls",
            "{}",
            "{'mergingList':[{'name':'1','value':null,'$setElementOrder/mergingList':[{'name':'a'}],'mergingList':[{'name':'a'},{'name':'b','$patch':'delete'}]}],'simpleMap':{'a':null,'b':'1'}}",
            "{'mergingList':[{'name':'1','mergingList':[{'name':'a'}]}],'simpleMap':{'b':'1'}}"
        },
        {
            "a replaced list carries no directive elements",
            "{'nonMergingList':[{'name':'1'}]}",
            "{'nonMergingList':[{'name':'2','value':null},{'$patch':'replace'}]}",
            "{'nonMergingList':[{'name':'2'}]}"
        },
        { "empty lists stay empty", "{'mergingList':[]}", "{'mergingList':[]}", "{'mergingList':[]}" },
        { "numbers that are equal as JSON merge as the same item", "{'mergingIntList':[1,2]}", "{'mergingIntList':[2.0]}", "{'mergingIntList':[1,2]}" },
    };

    public static TheoryData<string, string, string, string> Errors => new()
    {
        { "an item without the merge key", "{'mergingList':[{'name':'1','value':'a'}]}", "{'mergingList':[{'value':'b'}]}", "does not contain declared merge key: name" },
        { "a deletion without the merge key", "{'mergingList':[{'name':'1'}]}", "{'mergingList':[{'$patch':'delete'}]}", "does not contain declared merge key: name" },
        { "an unknown $patch value in a map", "{'name':'1'}", "{'$patch':'bogus'}", "unknown patch type: \"bogus\"" },
        { "an unknown $patch value in a list item", "{'mergingList':[{'name':'1'}]}", "{'mergingList':[{'name':'1','$patch':'bogus'}]}", "unknown patch type: \"bogus\"" },
        {
            "a patch list in another order than $setElementOrder",
            "{'mergingList':[{'name':'1'},{'name':'3'},{'name':'2'}]}",
            "{'$setElementOrder/mergingList':[{'name':'1'},{'name':'2'},{'name':'3'}],'mergingList':[{'name':'3','value':'3'},{'name':'1','value':'1'}]}",
            "doesn't match $setElementOrder list"
        },
        {
            "a primitive patch list in another order than $setElementOrder",
            "{'mergingIntList':[1,3,2]}",
            "{'$setElementOrder/mergingIntList':[1,2,3],'mergingIntList':[3,1]}",
            "doesn't match $setElementOrder list"
        },
        {
            "a $setElementOrder entry without the merge key",
            "{'mergingList':[{'name':'1'}]}",
            "{'$setElementOrder/mergingList':[{'value':'1'}]}",
            "does not contain declared merge key: name"
        },
        { "$retainKeys that omits a field the patch sets", "{'retainKeysMap':{'name':'a'}}", "{'retainKeysMap':{'$retainKeys':['name'],'value':'x'}}", "invalid patch format of retainKeys" },
        { "$retainKeys that is not a list", "{'retainKeysMap':{'name':'a'}}", "{'retainKeysMap':{'$retainKeys':'name'}}", "invalid patch format of retainKeys" },
        { "a malformed $setElementOrder key", "{'name':'1'}", "{'$setElementOrderX/mergingList':[]}", "invalid patch format of setElementOrder list" },
        { "a $setElementOrder that is not a list", "{'name':'1'}", "{'$setElementOrder/mergingList':'x'}", "invalid patch format of setElementOrder list" },
        { "a malformed $deleteFromPrimitiveList key", "{'name':'1'}", "{'$deleteFromPrimitiveList':[1]}", "invalid patch format of primitive list" },
        { "a list of lists in a merging list", "{'mergingIntList':[1]}", "{'mergingIntList':[[2]]}", "lists of lists are not supported" },
        { "mixed element types in a merging list", "{'mergingIntList':[1]}", "{'mergingIntList':['a']}", "list element types are not identical" },
        { "a merging list of maps without a merge key", "{'keylessMergingList':[{'a':1}]}", "{'keylessMergingList':[{'a':2}]}", "cannot merge lists without merge key for keylessMergingList" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applies_the_patch_like_upstream(string description, string original, string patch, string expected)
    {
        var result = StrategicMergePatch.Apply(JsonText.Object(original), JsonText.Object(patch), typeof(MergeItem));

        Assert.True(description.Length > 0);
        JsonText.Equal(expected, result);
        Assert.DoesNotContain("\"$", result.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void Rejects_invalid_patches_with_a_clear_message(string description, string original, string patch, string message)
    {
        var error = Assert.Throws<PatchException>(() =>
            StrategicMergePatch.Apply(JsonText.Object(original), JsonText.Object(patch), typeof(MergeItem)));

        Assert.True(description.Length > 0);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_leaves_both_arguments_untouched()
    {
        var original = JsonText.Object("{'mergingList':[{'name':'1','value':'a'}],'simpleMap':{'a':'1'}}");
        var patch = JsonText.Object("{'$setElementOrder/mergingList':[{'name':'2'},{'name':'1'}],'mergingList':[{'name':'2'}],'simpleMap':{'a':null}}");
        var originalText = JsonText.Canonical(original);
        var patchText = JsonText.Canonical(patch);

        var result = StrategicMergePatch.Apply(original, patch, typeof(MergeItem));

        Assert.Equal(originalText, JsonText.Canonical(original));
        Assert.Equal(patchText, JsonText.Canonical(patch));
        JsonText.Equal("{'mergingList':[{'name':'2'},{'name':'1','value':'a'}],'simpleMap':{}}", result);
    }

    [Fact]
    public void New_fields_keep_the_original_key_order_and_append_after_it()
    {
        var result = StrategicMergePatch.Apply(JsonText.Object("{'name':'1','value':'2'}"), JsonText.Object("{'other':'3','name':'4'}"), typeof(MergeItem));

        Assert.Equal("{\"name\":\"4\",\"value\":\"2\",\"other\":\"3\"}", result.ToJsonString());
    }

    [Fact]
    public void A_schema_can_be_passed_instead_of_a_type()
    {
        var result = StrategicMergePatch.Apply(
            JsonText.Object("{'mergingList':[{'name':'1'}]}"),
            JsonText.Object("{'mergingList':[{'name':'2'}]}"),
            PatchSchema.For<MergeItem>());

        JsonText.Equal("{'mergingList':[{'name':'2'},{'name':'1'}]}", result);
    }

    [Fact]
    public void Without_type_information_lists_are_replaced_and_maps_merged()
    {
        var result = StrategicMergePatch.Apply(
            JsonText.Object("{'mergingList':[{'name':'1'}],'simpleMap':{'a':'1'}}"),
            JsonText.Object("{'mergingList':[{'name':'2'}],'simpleMap':{'b':'2'}}"),
            PatchSchema.Unknown);

        JsonText.Equal("{'mergingList':[{'name':'2'}],'simpleMap':{'a':'1','b':'2'}}", result);
    }
}
