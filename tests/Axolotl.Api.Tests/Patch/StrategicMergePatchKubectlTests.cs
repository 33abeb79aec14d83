using Axolotl.Api.Patch;

namespace Axolotl.Api.Tests.Patch;

// The strategic merge patches kubectl sends (docs/kubectl-wire.md §2.9, §3.4, §3.9, §3.11), applied to objects
// shaped like the real ones.
public sealed class StrategicMergePatchKubectlTests
{
    private const string Deployment = """
        {'apiVersion':'apps/v1','kind':'Deployment',
         'metadata':{'name':'web','namespace':'default','generation':3,
                     'labels':{'app':'web','tier':'fe'},
                     'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'old\n','deployment.kubernetes.io/revision':'1'}},
         'spec':{'replicas':2,
                 'selector':{'matchLabels':{'app':'web'}},
                 'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}},
                 'template':{'metadata':{'labels':{'app':'web'},'annotations':{'team':'a'}},
                             'spec':{'containers':[
                                 {'name':'nginx','image':'nginx:1.25','imagePullPolicy':'IfNotPresent',
                                  'ports':[{'containerPort':80,'protocol':'TCP'}],
                                  'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],
                                  'volumeMounts':[{'name':'data','mountPath':'/data'}],
                                  'args':['--a','--b']},
                                 {'name':'sidecar','image':'busybox:1.36'}]}}},
         'status':{'conditions':[{'type':'Available','status':'True'},{'type':'Progressing','status':'True'}]}}
        """;

    [Fact]
    public void Client_side_apply_changes_the_image_removes_a_label_and_refreshes_the_annotation()
    {
        var patch = """
            {'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'new\n'},'labels':{'tier':null}},
             'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'},{'name':'sidecar'}],
                                         'containers':[{'image':'nginx:1.26','name':'nginx'}]}}}}
            """;

        var result = Apply<TestDeployment>(Deployment, patch);

        JsonText.Equal("{'app':'web'}", result["metadata"]!["labels"]);
        JsonText.Equal("{'kubectl.kubernetes.io/last-applied-configuration':'new\\n','deployment.kubernetes.io/revision':'1'}", result["metadata"]!["annotations"]);
        var containers = result["spec"]!["template"]!["spec"]!["containers"]!;
        JsonText.Equal("""
            [{'name':'nginx','image':'nginx:1.26','imagePullPolicy':'IfNotPresent',
              'ports':[{'containerPort':80,'protocol':'TCP'}],
              'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],
              'volumeMounts':[{'name':'data','mountPath':'/data'}],
              'args':['--a','--b']},
             {'name':'sidecar','image':'busybox:1.36'}]
            """, containers);
        Assert.Equal(2, result["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public void Set_image_updates_one_container_and_keeps_the_others_in_order()
    {
        var patch = "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'},{'name':'sidecar'}],'containers':[{'image':'busybox:1.37','name':'sidecar'}]}}}}";

        var result = Apply<TestDeployment>(Deployment, patch);

        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["nginx", "sidecar"], containers.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("nginx:1.25", containers[0]!["image"]!.GetValue<string>());
        Assert.Equal("busybox:1.37", containers[1]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void Switching_to_Recreate_with_retainKeys_removes_rollingUpdate()
    {
        var result = Apply<TestDeployment>(Deployment, "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}");

        JsonText.Equal("{'type':'Recreate'}", result["spec"]!["strategy"]);
    }

    [Fact]
    public void Rollout_restart_adds_the_restartedAt_annotation_to_the_template()
    {
        var patch = "{'spec':{'template':{'metadata':{'annotations':{'kubectl.kubernetes.io/restartedAt':'2025-01-01T00:00:00Z'}}}}}";

        var result = Apply<TestDeployment>(Deployment, patch);

        JsonText.Equal("{'team':'a','kubectl.kubernetes.io/restartedAt':'2025-01-01T00:00:00Z'}", result["spec"]!["template"]!["metadata"]!["annotations"]);
    }

    [Fact]
    public void Apply_deletes_a_container_with_a_delete_directive()
    {
        var patch = "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'}],'containers':[{'$patch':'delete','name':'sidecar'}]}}}}";

        var result = Apply<TestDeployment>(Deployment, patch);

        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["nginx"], containers.Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void Apply_reorders_containers_and_adds_one_in_the_middle()
    {
        var patch = """
            {'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'sidecar'},{'name':'logger'},{'name':'nginx'}],
                                         'containers':[{'name':'logger','image':'fluent-bit:3'}]}}}}
            """;

        var result = Apply<TestDeployment>(Deployment, patch);

        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["sidecar", "logger", "nginx"], containers.Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void Nested_lists_of_a_container_merge_by_their_own_keys()
    {
        var patch = """
            {'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'},{'name':'sidecar'}],
              'containers':[{'name':'nginx',
                '$setElementOrder/env':[{'name':'A'},{'name':'B'},{'name':'C'}],
                'env':[{'name':'B','value':'20'},{'name':'C','value':'3'}],
                '$setElementOrder/ports':[{'containerPort':80},{'containerPort':443}],
                'ports':[{'containerPort':443,'protocol':'TCP'}],
                'volumeMounts':[{'mountPath':'/data','readOnly':true}],
                'args':['--c']}]}}}}
            """;

        var result = Apply<TestDeployment>(Deployment, patch);

        var nginx = result["spec"]!["template"]!["spec"]!["containers"]![0]!;
        JsonText.Equal("[{'name':'A','value':'1'},{'name':'B','value':'20'},{'name':'C','value':'3'}]", nginx["env"]);
        JsonText.Equal("[{'containerPort':80,'protocol':'TCP'},{'containerPort':443,'protocol':'TCP'}]", nginx["ports"]);
        JsonText.Equal("[{'name':'data','mountPath':'/data','readOnly':true}]", nginx["volumeMounts"]);
        JsonText.Equal("['--c']", nginx["args"]);
    }

    [Fact]
    public void Status_conditions_merge_by_type()
    {
        var patch = "{'status':{'conditions':[{'type':'Available','status':'False','reason':'MinimumReplicasUnavailable'}]}}";

        var result = Apply<TestDeployment>(Deployment, patch);

        JsonText.Equal(
            "[{'type':'Available','status':'False','reason':'MinimumReplicasUnavailable'},{'type':'Progressing','status':'True'}]",
            result["status"]!["conditions"]);
    }

    [Fact]
    public void Cordon_sets_unschedulable_and_uncordon_removes_it()
    {
        const string node = "{'kind':'Node','metadata':{'name':'n1'},'spec':{'podCIDR':'10.0.0.0/24'}}";

        var cordoned = Apply<TestNode>(node, "{'spec':{'unschedulable':true}}");
        var uncordoned = StrategicMergePatch.Apply(cordoned, JsonText.Object("{'spec':{'unschedulable':null}}"), typeof(TestNode));

        JsonText.Equal("{'podCIDR':'10.0.0.0/24','unschedulable':true}", cordoned["spec"]);
        JsonText.Equal("{'podCIDR':'10.0.0.0/24'}", uncordoned["spec"]);
    }

    [Fact]
    public void Taints_have_no_merge_key_and_are_replaced_whole()
    {
        const string node = "{'spec':{'taints':[{'key':'a','effect':'NoSchedule'},{'key':'b','effect':'NoExecute'}]}}";

        var result = Apply<TestNode>(node, "{'spec':{'taints':[{'key':'c','effect':'NoSchedule'}]}}");

        JsonText.Equal("[{'key':'c','effect':'NoSchedule'}]", result["spec"]!["taints"]);
    }

    [Fact]
    public void A_new_finalizer_is_added_in_front_of_the_existing_ones()
    {
        var result = Apply<TestPod>("{'metadata':{'name':'p','finalizers':['a.example.com/x']}}", "{'metadata':{'finalizers':['b.example.com/y']}}");

        JsonText.Equal("['b.example.com/y','a.example.com/x']", result["metadata"]!["finalizers"]);
    }

    [Fact]
    public void A_finalizer_is_removed_with_deleteFromPrimitiveList()
    {
        var result = Apply<TestPod>(
            "{'metadata':{'finalizers':['a.example.com/x','b.example.com/y']}}",
            "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a.example.com/x']}}");

        JsonText.Equal("['b.example.com/y']", result["metadata"]!["finalizers"]);
    }

    [Fact]
    public void Finalizers_set_to_null_are_removed_entirely()
    {
        var result = Apply<TestPod>("{'metadata':{'name':'p','finalizers':['a']}}", "{'metadata':{'finalizers':null}}");

        JsonText.Equal("{'name':'p'}", result["metadata"]);
    }

    [Fact]
    public void Owner_references_merge_by_uid()
    {
        var result = Apply<TestPod>(
            "{'metadata':{'ownerReferences':[{'uid':'1','kind':'ReplicaSet','name':'a'},{'uid':'2','kind':'ReplicaSet','name':'b'}]}}",
            "{'metadata':{'ownerReferences':[{'uid':'2','controller':true}]}}");

        JsonText.Equal(
            "[{'uid':'1','kind':'ReplicaSet','name':'a'},{'uid':'2','kind':'ReplicaSet','name':'b','controller':true}]",
            result["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public void Volumes_merge_by_name_and_retain_only_the_listed_source()
    {
        var result = Apply<TestPod>(
            "{'spec':{'volumes':[{'name':'v','emptyDir':{}},{'name':'w','secret':{'secretName':'s'}}]}}",
            "{'spec':{'volumes':[{'name':'v','$retainKeys':['configMap','name'],'configMap':{'name':'cm'}}]}}");

        JsonText.Equal("[{'name':'v','configMap':{'name':'cm'}},{'name':'w','secret':{'secretName':'s'}}]", result["spec"]!["volumes"]);
    }

    [Fact]
    public void The_real_object_metadata_merges_finalizers_as_a_set()
    {
        var result = Apply<Axolotl.Api.Core.Pod>(
            "{'metadata':{'name':'p','finalizers':['a','b']}}",
            "{'metadata':{'$setElementOrder/finalizers':['b','a','c'],'finalizers':['c']}}");

        JsonText.Equal("['b','a','c']", result["metadata"]!["finalizers"]);
    }

    [Fact]
    public void Set_image_keeps_the_other_containers_of_a_real_Deployment()
    {
        var patch = "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'},{'name':'sidecar'}],'containers':[{'image':'nginx:1.27','name':'nginx'}]}}}}";

        var result = Apply<Axolotl.Api.Apps.Deployment>(Deployment, patch);

        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["nginx", "sidecar"], containers.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("nginx:1.27", containers[0]!["image"]!.GetValue<string>());
        Assert.NotNull(containers[0]!["ports"]);
    }

    private static System.Text.Json.Nodes.JsonObject Apply<T>(string original, string patch) =>
        StrategicMergePatch.Apply(JsonText.Object(original), JsonText.Object(patch), typeof(T));
}
