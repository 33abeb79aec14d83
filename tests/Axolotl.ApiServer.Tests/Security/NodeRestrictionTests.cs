using System.Text.Json.Nodes;
using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Admission;
using Axolotl.ApiServer.Errors;
using Axolotl.ApiServer.Security;

namespace Axolotl.ApiServer.Tests.Security;

public sealed class NodeRestrictionTests
{
    private static readonly Principal NodeA = Principal.Node("node-a");

    private static JsonObject Pod(string name, string? node) =>
        JsonNode.Parse($$$"""{"metadata":{"name":"{{{name}}}","namespace":"default"},"spec":{"nodeName":{{{(node is null ? "null" : $"\"{node}\"")}}}}}""")!.AsObject();

    private static JsonObject Node(string name, string labels = "{}", string taints = "[]") =>
        JsonNode.Parse($$$"""{"metadata":{"name":"{{{name}}}","labels":{{{labels}}}},"spec":{"taints":{{{taints}}}}}""")!.AsObject();

    private static string Forbidden(Action act)
    {
        var e = Assert.Throws<ApiException>(act);
        Assert.Equal(403, e.Code);
        return e.Status.Message!;
    }

    [Fact]
    public void A_node_updates_the_status_of_its_own_pods_only()
    {
        NodeRestriction.CheckUpdate(NodeA, KnownResources.Pods, "status", Pod("mine", "node-a"), Pod("mine", "node-a"));

        var message = Forbidden(() => NodeRestriction.CheckUpdate(NodeA, KnownResources.Pods, "status", Pod("theirs", "node-b"), Pod("theirs", "node-b")));

        Assert.Equal("pods \"theirs\" is forbidden: node \"node-a\" can only update pod status for pods with spec.nodeName set to itself", message);
    }

    [Fact]
    public void The_stored_pod_decides_not_the_patched_one()
    {
        // A patch that also rewrites spec.nodeName to the node itself must not pass.
        Forbidden(() => NodeRestriction.CheckUpdate(NodeA, KnownResources.Pods, "status", Pod("theirs", "node-a"), Pod("theirs", "node-b")));
    }

    [Fact]
    public void A_node_deletes_and_evicts_its_own_pods_only()
    {
        NodeRestriction.CheckDelete(NodeA, KnownResources.Pods, Pod("mine", "node-a"));

        Assert.Equal("pods \"theirs\" is forbidden: node \"node-a\" can only delete pods with spec.nodeName set to itself",
            Forbidden(() => NodeRestriction.CheckDelete(NodeA, KnownResources.Pods, Pod("theirs", "node-b"))));
        Assert.Equal("pods \"pending\" is forbidden: node \"node-a\" can only evict pods with spec.nodeName set to itself",
            Forbidden(() => NodeRestriction.CheckDelete(NodeA, KnownResources.Pods, Pod("pending", null), eviction: true)));
    }

    [Fact]
    public void A_node_creates_no_pods_and_only_its_own_node()
    {
        Assert.Contains("can only create mirror pods", Forbidden(() => NodeRestriction.CheckCreate(NodeA, KnownResources.Pods, null, Pod("p", "node-a"))));
        NodeRestriction.CheckCreate(NodeA, KnownResources.Nodes, null, Node("node-a", """{"kubernetes.io/hostname":"node-a","kubernetes.io/os":"linux","team":"x"}"""));

        Assert.Equal("nodes \"ghost\" is forbidden: node \"node-a\" is not allowed to modify node \"ghost\"",
            Forbidden(() => NodeRestriction.CheckCreate(NodeA, KnownResources.Nodes, null, Node("ghost"))));
    }

    [Fact]
    public void A_node_may_not_label_itself_into_restricted_or_kubernetes_namespaces()
    {
        var message = Forbidden(() => NodeRestriction.CheckCreate(NodeA, KnownResources.Nodes, null,
            Node("node-a", """{"node-restriction.kubernetes.io/secure":"true","node-role.kubernetes.io/control-plane":"","x.k8s.io/y":"1","node.kubernetes.io/exclude-from-external-load-balancers":"true"}""")));

        Assert.Equal("nodes \"node-a\" is forbidden: node \"node-a\" is not allowed to set the following labels: node-restriction.kubernetes.io/secure, node-role.kubernetes.io/control-plane, x.k8s.io/y", message);
    }

    [Fact]
    public void On_update_only_changed_restricted_labels_and_taints_are_refused()
    {
        var old = Node("node-a", """{"node-role.kubernetes.io/worker":""}""", """[{"key":"k","effect":"NoSchedule"}]""");

        // Kept as an admin set it: fine.
        NodeRestriction.CheckUpdate(NodeA, KnownResources.Nodes, "status", Node("node-a", """{"node-role.kubernetes.io/worker":"","mine":"1"}""", """[{"key":"k","effect":"NoSchedule"}]"""), old);

        Assert.Contains("is not allowed to modify labels: node-role.kubernetes.io/worker",
            Forbidden(() => NodeRestriction.CheckUpdate(NodeA, KnownResources.Nodes, null, Node("node-a", "{}", """[{"key":"k","effect":"NoSchedule"}]"""), old)));
        Assert.Contains("is not allowed to modify taints",
            Forbidden(() => NodeRestriction.CheckUpdate(NodeA, KnownResources.Nodes, null, Node("node-a", """{"node-role.kubernetes.io/worker":""}"""), old)));
    }

    [Fact]
    public void Leases_in_the_node_lease_namespace_must_carry_the_node_name()
    {
        var own = JsonNode.Parse("""{"metadata":{"name":"node-a","namespace":"kube-node-lease"}}""")!.AsObject();
        var other = JsonNode.Parse("""{"metadata":{"name":"node-b","namespace":"kube-node-lease"}}""")!.AsObject();

        NodeRestriction.CheckCreate(NodeA, KnownResources.Leases, null, own);
        Assert.Contains("can only access node lease with the same name as the requesting node",
            Forbidden(() => NodeRestriction.CheckCreate(NodeA, KnownResources.Leases, null, other)));
    }

    [Fact]
    public void Other_principals_pass_untouched()
    {
        NodeRestriction.CheckCreate(Principal.Admin, KnownResources.Pods, null, Pod("p", "node-b"));
        NodeRestriction.CheckDelete(null, KnownResources.Pods, Pod("p", "node-b"));
    }
}
