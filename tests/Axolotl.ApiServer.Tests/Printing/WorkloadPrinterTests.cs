namespace Axolotl.ApiServer.Tests.Printing;

public class WorkloadPrinterTests
{
    private const string Template = """
        "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"},{"name":"log","image":"busybox"}],"nodeSelector":{"disk":"ssd","kubernetes.io/os":"linux"}}}
        """;

    [Fact]
    public void ADeploymentPrintsReadyOverDesiredAndItsRolloutCounts()
    {
        var d = Printed.Of("apps", "Deployment", $$"""
            {"metadata":{"name":"web","creationTimestamp":"2025-01-01T11:00:00Z"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["fe","be"]},{"key":"canary","operator":"DoesNotExist"}]},{{Template}} },
             "status":{"replicas":3,"updatedReplicas":2,"readyReplicas":1,"availableReplicas":1} }
            """);

        Assert.Equal("1/3", d["Ready"]);
        Assert.Equal(2, d.Int("Up-to-date"));
        Assert.Equal(1, d.Int("Available"));
        Assert.Equal("60m", d["Age"]);
        Assert.Equal("app,log", d["Containers"]);
        Assert.Equal("nginx:1.27,busybox", d["Images"]);
        Assert.Equal("app=web,!canary,tier in (be,fe)", d["Selector"]);
    }

    [Fact]
    public void ADeploymentWithoutStatusIsZeroOfItsDefaultedReplicas()
    {
        var d = Printed.Of("apps", "Deployment", """{"metadata":{"name":"new"},"spec":{"selector":{"matchLabels":{"app":"x"}}}}""");

        Assert.Equal("0/1", d["Ready"]);
        Assert.Equal(0, d.Int("Up-to-date"));
    }

    [Fact]
    public void AReplicaSetPrintsDesiredCurrentReadyAndItsSelector()
    {
        var rs = Printed.Of("apps", "ReplicaSet", $$"""
            {"metadata":{"name":"web-5d4f8c7b9"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web","pod-template-hash":"5d4f8c7b9"} },{{Template}} },
             "status":{"replicas":2,"readyReplicas":1} }
            """);

        Assert.Equal(2, rs.Int("Desired"));
        Assert.Equal(2, rs.Int("Current"));
        Assert.Equal(1, rs.Int("Ready"));
        Assert.Equal("app=web,pod-template-hash=5d4f8c7b9", rs["Selector"]);
    }

    [Fact]
    public void AReplicaSetScaledToZeroSaysZeroAndAnEmptySelectorSaysNone()
    {
        var rs = Printed.Of("apps", "ReplicaSet", """{"metadata":{"name":"old"},"spec":{"replicas":0,"selector":{}}}""");

        Assert.Equal(0, rs.Int("Desired"));
        Assert.Equal("<none>", rs["Selector"]);
    }

    [Fact]
    public void ADaemonSetPrintsItsScheduleCountsAndNodeSelector()
    {
        var ds = Printed.Of("apps", "DaemonSet", $$"""
            {"metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"} },{{Template}} },
             "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,"numberAvailable":2} }
            """);

        Assert.Equal((3L, 3L, 2L, 3L, 2L), (ds.Int("Desired"), ds.Int("Current"), ds.Int("Ready"), ds.Int("Up-to-date"), ds.Int("Available")));
        Assert.Equal("disk=ssd,kubernetes.io/os=linux", ds["Node Selector"]);
        Assert.Equal("app=agent", ds["Selector"]);
    }

    [Fact]
    public void AReplicationControllerPrintsItsMapSelector()
    {
        var rc = Printed.Of("", "ReplicationController", $$"""
            {"metadata":{"name":"legacy"},"spec":{"replicas":2,"selector":{"app":"web"},{{Template}} },"status":{"replicas":2,"readyReplicas":2} }
            """);

        Assert.Equal((2L, 2L, 2L), (rc.Int("Desired"), rc.Int("Current"), rc.Int("Ready")));
        Assert.Equal("app=web", rc["Selector"]);
        Assert.Equal("app,log", rc["Containers"]);
    }

    [Fact]
    public void AControllerRevisionNamesItsControllingOwnerByGroupKind()
    {
        var cr = Printed.Of("apps", "ControllerRevision", """
            {"metadata":{"name":"agent-7d9f","ownerReferences":[
               {"apiVersion":"v1","kind":"Pod","name":"other","uid":"1"},
               {"apiVersion":"apps/v1","kind":"DaemonSet","name":"agent","uid":"2","controller":true}]},"revision":3}
            """);

        Assert.Equal("daemonset.apps/agent", cr["Controller"]);
        Assert.Equal(3, cr.Int("Revision"));
        Assert.Equal("<none>", Printed.Of("apps", "ControllerRevision", """{"metadata":{"name":"x"},"revision":1}""")["Controller"]);
    }

    [Fact]
    public void APodDisruptionBudgetPrintsItsBudgetsOrNotApplicable()
    {
        var pdb = Printed.Of("policy", "PodDisruptionBudget", """
            {"metadata":{"name":"web"},"spec":{"minAvailable":"50%"},"status":{"disruptionsAllowed":1}}
            """);

        Assert.Equal("50%", pdb["Min Available"]);
        Assert.Equal("N/A", pdb["Max Unavailable"]);
        Assert.Equal(1, pdb.Int("Allowed Disruptions"));
        Assert.Equal("2", Printed.Of("policy", "PodDisruptionBudget", """{"metadata":{"name":"w"},"spec":{"maxUnavailable":2}}""")["Max Unavailable"]);
    }
}
