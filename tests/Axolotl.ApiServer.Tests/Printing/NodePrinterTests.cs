namespace Axolotl.ApiServer.Tests.Printing;

public class NodePrinterTests
{
    private static Printed Node(string labels, string spec, string conditions) => Printed.Of("", "Node", $$"""
        {"metadata":{"name":"node-1","creationTimestamp":"2024-12-30T09:00:00Z","labels":{{labels}} },
         "spec":{{spec}},
         "status":{"conditions":{{conditions}},
           "addresses":[{"type":"Hostname","address":"node-1"},{"type":"InternalIP","address":"192.168.1.10"}],
           "nodeInfo":{"kubeletVersion":"v1.32.4","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.1.0-18-amd64","containerRuntimeVersion":"axolotl://0.1.0"} } }
        """);

    [Fact]
    public void AReadyNodePrintsStatusRolesAgeAndVersion()
    {
        var node = Node("""{"node-role.kubernetes.io/control-plane":"","kubernetes.io/hostname":"node-1"}""", "{}",
            """[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}]""");

        Assert.Equal("Ready", node["Status"]);
        Assert.Equal("control-plane", node["Roles"]);
        Assert.Equal("2d3h", node["Age"]);
        Assert.Equal("v1.32.4", node["Version"]);
        Assert.Equal("192.168.1.10", node["Internal-IP"]);
        Assert.Equal("<none>", node["External-IP"]);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", node["OS-Image"]);
        Assert.Equal("6.1.0-18-amd64", node["Kernel-Version"]);
        Assert.Equal("axolotl://0.1.0", node["Container-Runtime"]);
    }

    [Fact]
    public void ACordonedNodeAddsSchedulingDisabled() =>
        Assert.Equal("Ready,SchedulingDisabled", Node("{}", """{"unschedulable":true}""", """[{"type":"Ready","status":"True"}]""")["Status"]);

    [Fact]
    public void ANodeWhoseReadyConditionIsNotTrueIsNotReady() =>
        Assert.Equal("NotReady", Node("{}", "{}", """[{"type":"Ready","status":"Unknown"}]""")["Status"]);

    [Fact]
    public void ANodeWithoutAReadyConditionIsUnknown() =>
        Assert.Equal("Unknown,SchedulingDisabled", Node("{}", """{"unschedulable":true}""", "[]")["Status"]);

    [Fact]
    public void RolesComeFromBothRoleLabelStylesSortedAndNoneWithout()
    {
        Assert.Equal("control-plane,etcd,worker", Node(
            """{"node-role.kubernetes.io/worker":"","kubernetes.io/role":"etcd","node-role.kubernetes.io/control-plane":"true","node-role.kubernetes.io/":""}""",
            "{}", "[]")["Roles"]);
        Assert.Equal("<none>", Node("""{"kubernetes.io/hostname":"node-1"}""", "{}", "[]")["Roles"]);
    }

    [Fact]
    public void MissingNodeInfoPrintsUnknownInTheWideColumns()
    {
        var node = Printed.Of("", "Node", """{"metadata":{"name":"n"}}""");

        Assert.Equal("", node["Version"]);
        Assert.Equal("<unknown>", node["OS-Image"]);
        Assert.Equal("<none>", node["Internal-IP"]);
    }
}
