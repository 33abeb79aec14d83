using System.Text.Json.Nodes;
using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.ManagedFields;

namespace Axolotl.Api.Tests.ManagedFields;

/// <summary>Field sets: what an object sets, in upstream's FieldsV1 encoding, and how paths print.</summary>
public sealed class FieldSetTests
{
    private static readonly FieldType DeploymentType = FieldType.ForObject(typeof(Deployment));
    private static readonly FieldType PodType = FieldType.ForObject(typeof(Pod));
    private static readonly FieldType ServiceType = FieldType.ForObject(typeof(Service));

    public static TheoryData<string, string, string> Objects => new()
    {
        // Struct fields are owned by their leaves; map keys (labels) and leaves are members.
        {
            "deployment",
            "{'metadata':{'labels':{'app':'web'}},'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}}}}",
            "{'f:metadata':{'f:labels':{'f:app':{}}},'f:spec':{'f:replicas':{},'f:selector':{}}}"
        },
        // Containers are keyed by name, their ports by containerPort and protocol (defaulted to TCP); items are members.
        {
            "deployment",
            "{'spec':{'template':{'spec':{'containers':[{'name':'nginx','image':'nginx','ports':[{'containerPort':80}]}]}}}}",
            "{'f:spec':{'f:template':{'f:spec':{'f:containers':{'k:{`name`:`nginx`}':{'.':{},'f:image':{},'f:name':{}," +
            "'f:ports':{'k:{`containerPort`:80,`protocol`:`TCP`}':{'.':{},'f:containerPort':{}}}}}}}}}"
        },
        // Env by name, volume mounts by mountPath; tolerations are atomic.
        {
            "pod",
            "{'spec':{'tolerations':[{'key':'a','operator':'Exists'}],'containers':[{'name':'c','env':[{'name':'A','value':'1'}],'volumeMounts':[{'name':'v','mountPath':'/data'}]}]}}",
            "{'f:spec':{'f:containers':{'k:{`name`:`c`}':{'.':{},'f:env':{'k:{`name`:`A`}':{'.':{},'f:name':{},'f:value':{}}},'f:name':{}," +
            "'f:volumeMounts':{'k:{`mountPath`:`/data`}':{'.':{},'f:mountPath':{},'f:name':{}}}}},'f:tolerations':{}}}"
        },
        // Finalizers are a set (v:) whose items are members; an empty map is a member itself.
        {
            "pod",
            "{'metadata':{'finalizers':['a/b'],'annotations':{}}}",
            "{'f:metadata':{'f:annotations':{},'f:finalizers':{'v:`a/b`':{}}}}"
        },
        // Service ports are keyed by port and protocol.
        {
            "service",
            "{'spec':{'ports':[{'port':80,'protocol':'UDP','targetPort':8080}]}}",
            "{'f:spec':{'f:ports':{'k:{`port`:80,`protocol`:`UDP`}':{'.':{},'f:port':{},'f:protocol':{},'f:targetPort':{}}}}}"
        },
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void An_object_sets_the_fields_upstream_encodes(string kind, string obj, string expected)
    {
        var type = kind switch { "pod" => PodType, "service" => ServiceType, _ => DeploymentType };

        var set = StructuredMerge.ToFieldSet(Json.Parse(obj), type, strict: true);

        Json.Equal(expected, set.ToFieldsV1());
        // And the encoding reads back to the same set.
        Assert.True(FieldSet.FromFieldsV1(set.ToFieldsV1()).SetEquals(set));
    }

    public static TheoryData<string> InvalidFieldsV1 => new()
    {
        "{'x:a':{}}",
        "{'f:a':1}",
        "{'k:notjson':{}}",
        "{'k:{}':{}}",
        "{'i:x':{}}",
        "{'f:a':{'.':{'f:b':{}}}}",
        "[]",
    };

    [Theory]
    [MemberData(nameof(InvalidFieldsV1))]
    public void Invalid_fieldsV1_is_refused(string fields)
    {
        Assert.Throws<FormatException>(() => FieldSet.FromFieldsV1(Json.Parse(fields)));
    }

    public static TheoryData<string, string> Paths => new()
    {
        { "f:spec/f:replicas", ".spec.replicas" },
        { "f:spec/f:template/f:spec/f:containers/k:{\"name\":\"nginx\"}/f:image", ".spec.template.spec.containers[name=\"nginx\"].image" },
        { "f:spec/f:ports/k:{\"protocol\":\"TCP\",\"port\":80}", ".spec.ports[port=80,protocol=\"TCP\"]" },
        { "f:metadata/f:finalizers/v:\"x\"", ".metadata.finalizers[=\"x\"]" },
        { "f:spec/f:items/i:3", ".spec.items[3]" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Paths_print_as_in_upstream_conflict_messages(string encoded, string expected)
    {
        var path = encoded.Split('/').Select(PathElement.Parse).ToList();

        Assert.Equal(expected, FieldSet.Format(path));
    }

    [Fact]
    public void Set_operations_work_path_by_path()
    {
        var a = Set("{'f:a':{'.':{},'f:b':{}},'f:c':{}}");
        var b = Set("{'f:a':{'f:b':{}},'f:d':{}}");

        Json.Equal("{'f:a':{},'f:c':{}}", a.Difference(b).ToFieldsV1());
        Json.Equal("{'f:a':{'f:b':{}}}", a.Intersection(b).ToFieldsV1());
        Json.Equal("{'f:a':{'.':{},'f:b':{}},'f:c':{},'f:d':{}}", a.Union(b).ToFieldsV1());
        Assert.True(a.Difference(a).IsEmpty);
    }

    [Fact]
    public void Named_fields_become_members_so_that_pruning_removes_emptied_structs()
    {
        var set = Set("{'f:spec':{'f:strategy':{'f:rollingUpdate':{'f:maxSurge':{}}}}}");

        var ensured = set.EnsureNamedFieldsAreMembers(DeploymentType);

        Json.Equal("{'f:spec':{'.':{},'f:strategy':{'.':{},'f:rollingUpdate':{'.':{},'f:maxSurge':{}}}}}", ensured.ToFieldsV1());
    }

    [Fact]
    public void A_duplicate_or_keyless_item_fails_an_apply_but_an_update_owns_the_list_whole()
    {
        var dup = Json.Parse("{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}");
        var keyless = Json.Parse("{'spec':{'containers':[{'image':'x'}]}}");

        Assert.Equal(".spec.containers: duplicate entries for key [name=\"a\"]",
            Assert.Throws<FieldSetException>(() => StructuredMerge.ToFieldSet(dup, PodType, strict: true)).Message);
        Assert.Contains("omits key field \"name\"",
            Assert.Throws<FieldSetException>(() => StructuredMerge.ToFieldSet(keyless, PodType, strict: true)).Message, StringComparison.Ordinal);
        Json.Equal("{'f:spec':{'f:containers':{}}}", StructuredMerge.ToFieldSet(dup, PodType, strict: false).ToFieldsV1());
    }

    private static FieldSet Set(string fieldsV1) => FieldSet.FromFieldsV1(Json.Parse(fieldsV1));
}
