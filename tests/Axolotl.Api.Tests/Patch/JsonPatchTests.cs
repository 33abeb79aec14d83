using Axolotl.Api.Patch;

namespace Axolotl.Api.Tests.Patch;

public sealed class JsonPatchTests
{
    // RFC 6902, Appendix A (A.13, a document with a duplicate member, is a JSON parsing matter).
    public static TheoryData<string, string, string, string> RfcExamples => new()
    {
        { "A.1 adding an object member", "{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]", "{'baz':'qux','foo':'bar'}" },
        { "A.2 adding an array element", "{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]", "{'foo':['bar','qux','baz']}" },
        { "A.3 removing an object member", "{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]", "{'foo':'bar'}" },
        { "A.4 removing an array element", "{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]", "{'foo':['bar','baz']}" },
        { "A.5 replacing a value", "{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]", "{'baz':'boo','foo':'bar'}" },
        {
            "A.6 moving a value",
            "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
            "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
            "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}"
        },
        { "A.7 moving an array element", "{'foo':['all','grass','cows','eat']}", "[{'op':'move','from':'/foo/1','path':'/foo/3'}]", "{'foo':['all','cows','eat','grass']}" },
        {
            "A.8 testing a value: success",
            "{'baz':'qux','foo':['a',2,'c']}",
            "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]",
            "{'baz':'qux','foo':['a',2,'c']}"
        },
        { "A.10 adding a nested member object", "{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]", "{'foo':'bar','child':{'grandchild':{}}}" },
        { "A.11 ignoring unrecognized elements", "{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux','xyz':123}]", "{'foo':'bar','baz':'qux'}" },
        {
            "A.14 ~ escape ordering",
            "{'/':9,'~1':10}",
            "[{'op':'test','path':'/~01','value':10},{'op':'add','path':'/~1','value':11}]",
            "{'/':11,'~1':10}"
        },
        { "A.16 adding an array value", "{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]", "{'foo':['bar',['abc','def']]}" },
        { "add at the end of an array by index", "{'a':[1]}", "[{'op':'add','path':'/a/1','value':2}]", "{'a':[1,2]}" },
        { "add replaces an existing member", "{'a':1}", "[{'op':'add','path':'/a','value':2}]", "{'a':2}" },
        { "add with an empty path replaces the document", "{'a':1}", "[{'op':'add','path':'','value':{'b':2}}]", "{'b':2}" },
        { "replace with an empty path replaces the document", "{'a':1}", "[{'op':'replace','path':'','value':[1]}]", "[1]" },
        { "copy duplicates a value", "{'a':{'b':[1]}}", "[{'op':'copy','from':'/a/b','path':'/c'}]", "{'a':{'b':[1]},'c':[1]}" },
        { "move onto itself changes nothing", "{'a':1}", "[{'op':'move','from':'/a','path':'/a'}]", "{'a':1}" },
        { "test compares numbers by value", "{'a':1}", "[{'op':'test','path':'/a','value':1.0}]", "{'a':1}" },
        { "test compares objects regardless of key order", "{'a':{'x':1,'y':[2]}}", "[{'op':'test','path':'/a','value':{'y':[2],'x':1}}]", "{'a':{'x':1,'y':[2]}}" },
        { "null is a value that can be added", "{}", "[{'op':'add','path':'/a','value':null}]", "{'a':null}" },
        { "operations apply in order", "{'a':[]}", "[{'op':'add','path':'/a/-','value':1},{'op':'add','path':'/a/0','value':0},{'op':'test','path':'/a','value':[0,1]}]", "{'a':[0,1]}" },
    };

    public static TheoryData<string, string, string, string> Failures => new()
    {
        { "A.9 testing a value: error", "{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]", "testing value /baz failed: test failed" },
        { "A.12 adding to a nonexistent target", "{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]", "add operation does not apply: doc is missing path: \"/baz/bat\": missing value" },
        { "A.15 comparing strings and numbers", "{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]", "testing value /~01 failed: test failed" },
        { "test of a missing path", "{}", "[{'op':'test','path':'/a','value':null}]", "test operation does not apply: is missing path: /a: missing value" },
        { "remove of a missing key", "{'a':{}}", "[{'op':'remove','path':'/a/b'}]", "error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value" },
        { "remove under a missing parent", "{}", "[{'op':'remove','path':'/a/b'}]", "remove operation does not apply: doc is missing path: \"/a/b\": missing value" },
        { "replace of a missing key", "{'spec':{}}", "[{'op':'replace','path':'/spec/x','value':1}]", "replace operation does not apply: doc is missing key: /spec/x: missing value" },
        { "replace under a missing parent", "{}", "[{'op':'replace','path':'/spec/x','value':1}]", "replace operation does not apply: doc is missing path: /spec/x: missing value" },
        { "an index past the end", "{'a':[1]}", "[{'op':'add','path':'/a/3','value':2}]", "error in add for path: '/a/3': Unable to access invalid index: 3: invalid index referenced" },
        { "an index with a leading zero", "{'a':[1,2]}", "[{'op':'remove','path':'/a/01'}]", "error in remove for path: '/a/01': value was not a proper array index: '01'" },
        { "the end marker outside add", "{'a':[1]}", "[{'op':'replace','path':'/a/-','value':2}]", "value was not a proper array index: '-'" },
        { "a negative index", "{'a':[1]}", "[{'op':'remove','path':'/a/-1'}]", "value was not a proper array index: '-1'" },
        { "move from a missing key", "{}", "[{'op':'move','from':'/x','path':'/y'}]", "Unable to remove nonexistent key: x: missing value" },
        { "move from under a missing parent", "{}", "[{'op':'move','from':'/x/y','path':'/y'}]", "move operation does not apply: doc is missing from path: /x/y: missing value" },
        { "move into its own child", "{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", "cannot move /a into its own child /a/b/c" },
        { "copy from a missing location", "{}", "[{'op':'copy','from':'/x','path':'/y'}]", "copy operation does not apply: doc is missing from path: /x: missing value" },
        { "an unknown operation", "{}", "[{'op':'frobnicate','path':'/a'}]", "Unexpected kind: frobnicate" },
        { "an operation without op", "{}", "[{'path':'/a'}]", "Unexpected kind: unknown" },
        { "an operation without path", "{}", "[{'op':'add','value':1}]", "add operation failed to decode path: missing value" },
        { "an operation without value", "{}", "[{'op':'add','path':'/a'}]", "add operation, missing value field: missing value" },
        { "a pointer without a leading slash", "{'a':1}", "[{'op':'remove','path':'a'}]", "invalid JSON pointer \"a\"" },
        { "a bad escape in a pointer", "{'a':1}", "[{'op':'remove','path':'/~2'}]", "invalid JSON pointer \"/~2\"" },
        { "an operation that is not an object", "{}", "['add']", "operation 0 is a string, not an object" },
    };

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void Applies_operations_like_rfc_6902(string description, string document, string patch, string expected)
    {
        var result = JsonPatch.Apply(JsonText.Parse(document), JsonText.Array(patch));

        Assert.True(description.Length > 0);
        JsonText.Equal(expected, result);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void Fails_with_upstream_style_messages(string description, string document, string patch, string message)
    {
        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(JsonText.Parse(document), JsonText.Array(patch)));

        Assert.True(description.Length > 0);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rollout_undo_replaces_the_template_and_the_annotations()
    {
        var deployment = JsonText.Object("""
            {'metadata':{'name':'web','annotations':{'deployment.kubernetes.io/revision':'3','kubernetes.io/change-cause':'v3'}},
             'spec':{'replicas':2,'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'nginx','image':'nginx:1.27'}]}}}}
            """);
        var patch = JsonText.Array("""
            [{'op':'replace','path':'/spec/template','value':{'metadata':{'creationTimestamp':null,'labels':{'app':'web'}},
                                                              'spec':{'containers':[{'name':'nginx','image':'nginx:1.25','resources':{}}]}}},
             {'op':'replace','path':'/metadata/annotations','value':{'deployment.kubernetes.io/revision':'3','kubernetes.io/change-cause':'v1'}}]
            """);

        var result = JsonPatch.Apply(deployment, patch);

        JsonText.Equal("""
            {'metadata':{'name':'web','annotations':{'deployment.kubernetes.io/revision':'3','kubernetes.io/change-cause':'v1'}},
             'spec':{'replicas':2,'template':{'metadata':{'creationTimestamp':null,'labels':{'app':'web'}},
                                              'spec':{'containers':[{'name':'nginx','image':'nginx:1.25','resources':{}}]}}}}
            """, result);
    }

    [Fact]
    public void A_failing_operation_leaves_the_input_unchanged()
    {
        var document = JsonText.Object("{'a':1,'b':[1,2]}");

        Assert.Throws<PatchException>(() => JsonPatch.Apply(document, JsonText.Array("[{'op':'remove','path':'/b/0'},{'op':'test','path':'/a','value':2}]")));

        JsonText.Equal("{'a':1,'b':[1,2]}", document);
    }

    [Fact]
    public void Keys_containing_slashes_and_tildes_are_addressed_with_escapes()
    {
        var result = JsonPatch.Apply(
            JsonText.Object("{'metadata':{'annotations':{'a/b':'1','c~d':'2'}}}"),
            JsonText.Array("[{'op':'replace','path':'/metadata/annotations/a~1b','value':'x'},{'op':'remove','path':'/metadata/annotations/c~0d'}]"));

        JsonText.Equal("{'metadata':{'annotations':{'a/b':'x'}}}", result);
    }
}
