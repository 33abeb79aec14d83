using Axolotl.Api.Patch;

namespace Axolotl.Api.Tests.Patch;

public sealed class JsonMergePatchTests
{
    // RFC 7386, Appendix A.
    public static TheoryData<string, string, string> RfcExamples => new()
    {
        { "{'a':'b'}", "{'a':'c'}", "{'a':'c'}" },
        { "{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}" },
        { "{'a':'b'}", "{'a':null}", "{}" },
        { "{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}" },
        { "{'a':['b']}", "{'a':'c'}", "{'a':'c'}" },
        { "{'a':'c'}", "{'a':['b']}", "{'a':['b']}" },
        { "{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}" },
        { "{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}" },
        { "['a','b']", "['c','d']", "['c','d']" },
        { "{'a':'b'}", "['c']", "['c']" },
        { "{'a':'foo'}", "null", "null" },
        { "{'a':'foo'}", "'bar'", "'bar'" },
        { "{'e':null}", "{'a':1}", "{'e':null,'a':1}" },
        { "[1,2]", "{'a':'b','c':null}", "{'a':'b'}" },
        { "{}", "{'a':{'bb':{'ccc':null}}}", "{'a':{'bb':{}}}" },
    };

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void Follows_the_rfc_7386_examples(string target, string patch, string expected)
    {
        var result = JsonMergePatch.Apply(JsonText.Parse(target), JsonText.Parse(patch));

        JsonText.Equal(expected, result);
    }

    [Fact]
    public void Kubectl_scale_sets_the_replicas_and_keeps_everything_else()
    {
        var scale = JsonText.Object("{'kind':'Scale','metadata':{'name':'web'},'spec':{'replicas':1},'status':{'replicas':1,'selector':'app=web'}}");

        var result = JsonMergePatch.Apply(scale, JsonText.Object("{'spec':{'replicas':3}}"));

        JsonText.Equal("{'kind':'Scale','metadata':{'name':'web'},'spec':{'replicas':3},'status':{'replicas':1,'selector':'app=web'}}", result);
    }

    [Fact]
    public void Kubectl_label_removes_a_label_with_null_and_adds_another()
    {
        var pod = JsonText.Object("{'metadata':{'name':'p','labels':{'a':'1','b':'2'}}}");

        var result = JsonMergePatch.Apply(pod, JsonText.Object("{'metadata':{'labels':{'a':null,'c':'3'}}}"));

        JsonText.Equal("{'metadata':{'name':'p','labels':{'b':'2','c':'3'}}}", result);
    }

    [Fact]
    public void Lists_are_replaced_never_merged()
    {
        var result = JsonMergePatch.Apply(
            JsonText.Object("{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}"),
            JsonText.Object("{'spec':{'containers':[{'name':'c','x':null}]}}"));

        JsonText.Equal("{'spec':{'containers':[{'name':'c','x':null}]}}", result);
    }

    [Fact]
    public void Apply_leaves_both_arguments_untouched()
    {
        var target = JsonText.Object("{'a':{'b':1},'c':2}");
        var patch = JsonText.Object("{'a':{'b':null,'d':[1]},'c':null}");

        var result = JsonMergePatch.Apply(target, patch);

        JsonText.Equal("{'a':{'b':1},'c':2}", target);
        JsonText.Equal("{'a':{'b':null,'d':[1]},'c':null}", patch);
        JsonText.Equal("{'a':{'d':[1]}}", result);
    }
}
