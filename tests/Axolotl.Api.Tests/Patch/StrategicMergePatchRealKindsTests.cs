using Axolotl.Api.Apps;
using Axolotl.Api.Core;
using Axolotl.Api.Patch;

namespace Axolotl.Api.Tests.Patch;

// The product kinds carry the merge keys and strategies; these tests pin the ones kubectl's patches rely on.
public sealed class StrategicMergePatchRealKindsTests
{
    [Theory]
    [InlineData(typeof(Pod), "spec.containers", "name", PatchStrategies.Merge)]
    [InlineData(typeof(Pod), "spec.initContainers", "name", PatchStrategies.Merge)]
    [InlineData(typeof(Pod), "spec.containers.env", "name", PatchStrategies.Merge)]
    [InlineData(typeof(Pod), "spec.containers.ports", "containerPort", PatchStrategies.Merge)]
    [InlineData(typeof(Pod), "spec.containers.volumeMounts", "mountPath", PatchStrategies.Merge)]
    [InlineData(typeof(Pod), "spec.volumes", "name", PatchStrategies.Merge | PatchStrategies.RetainKeys)]
    [InlineData(typeof(Pod), "spec.imagePullSecrets", "name", PatchStrategies.Merge)]
    [InlineData(typeof(Pod), "status.conditions", "type", PatchStrategies.Merge)]
    [InlineData(typeof(Pod), "metadata.ownerReferences", "uid", PatchStrategies.Merge)]
    [InlineData(typeof(Pod), "metadata.finalizers", null, PatchStrategies.Merge)]
    [InlineData(typeof(Pod), "spec.tolerations", null, PatchStrategies.None)]
    [InlineData(typeof(Pod), "spec.containers.args", null, PatchStrategies.None)]
    [InlineData(typeof(Pod), "spec.containers.command", null, PatchStrategies.None)]
    [InlineData(typeof(Node), "spec.taints", null, PatchStrategies.None)]
    [InlineData(typeof(Node), "status.conditions", "type", PatchStrategies.Merge)]
    [InlineData(typeof(Deployment), "spec.template.spec.containers", "name", PatchStrategies.Merge)]
    [InlineData(typeof(Deployment), "spec.strategy", null, PatchStrategies.RetainKeys)]
    [InlineData(typeof(Deployment), "status.conditions", "type", PatchStrategies.Merge)]
    [InlineData(typeof(Service), "spec.ports", "port", PatchStrategies.Merge)]
    public void Kinds_declare_upstreams_merge_keys_and_strategies(Type kind, string path, string? mergeKey, PatchStrategies strategies)
    {
        var field = PatchSchema.For(kind).Lookup(path);

        Assert.True(field.IsDeclared, $"{kind.Name} does not declare {path}");
        Assert.Equal(mergeKey, field.MergeKey);
        Assert.Equal(strategies, field.Strategies);
    }

    [Fact]
    public void Client_side_apply_on_a_Deployment_merges_containers_and_drops_a_label()
    {
        var deployment = JsonText.Object("""
            {'metadata':{'name':'web','labels':{'app':'web','tier':'fe'}},
             'spec':{'replicas':2,'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}},
                     'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.25','ports':[{'containerPort':80}]},{'name':'log','image':'busybox'}]}}}}
            """);
        var patch = JsonText.Object("""
            {'metadata':{'labels':{'tier':null}},
             'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'},
                     'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'},{'name':'log'}],'containers':[{'image':'nginx:1.26','name':'nginx'}]}}}}
            """);

        var result = StrategicMergePatch.Apply(deployment, patch, typeof(Deployment));

        JsonText.Equal("""
            {'metadata':{'name':'web','labels':{'app':'web'}},
             'spec':{'replicas':2,'strategy':{'type':'Recreate'},
                     'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.26','ports':[{'containerPort':80}]},{'name':'log','image':'busybox'}]}}}}
            """, result);
    }

    [Fact]
    public void A_Pod_keeps_its_other_env_vars_when_one_changes()
    {
        var pod = JsonText.Object("{'spec':{'containers':[{'name':'app','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],'args':['x']}]}}");

        var result = StrategicMergePatch.Apply(pod, JsonText.Object("{'spec':{'containers':[{'name':'app','env':[{'name':'B','value':'3'}],'args':['y']}]}}"), typeof(Pod));

        JsonText.Equal("{'spec':{'containers':[{'name':'app','env':[{'name':'A','value':'1'},{'name':'B','value':'3'}],'args':['y']}]}}", result);
    }

    [Fact]
    public void Uncordon_removes_unschedulable_from_a_Node()
    {
        var node = JsonText.Object("{'metadata':{'name':'n1'},'spec':{'unschedulable':true,'taints':[{'key':'a','effect':'NoSchedule'}]}}");

        var result = StrategicMergePatch.Apply(node, JsonText.Object("{'spec':{'unschedulable':null}}"), typeof(Node));

        JsonText.Equal("{'metadata':{'name':'n1'},'spec':{'taints':[{'key':'a','effect':'NoSchedule'}]}}", result);
    }

    [Fact]
    public void Service_ports_merge_by_port()
    {
        var service = JsonText.Object("{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443}]}}");

        var result = StrategicMergePatch.Apply(service, JsonText.Object("{'spec':{'ports':[{'port':443,'name':'https'}]}}"), typeof(Service));

        JsonText.Equal("{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443,'name':'https'}]}}", result);
    }
}
