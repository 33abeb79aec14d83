namespace Axolotl.ApiServer.Tests.Printing;

public class PodPrinterTests
{
    private static Printed Pod(string spec, string status, string extraMetadata = "") => Printed.Of("", "Pod", $$"""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"web-1","namespace":"default","creationTimestamp":"2025-01-01T11:55:00Z"{{extraMetadata}} },
         "spec":{{spec}},
         "status":{{status}} }
        """);

    private const string OneContainer = """{"containers":[{"name":"app","image":"nginx"}],"nodeName":"node-1"}""";

    [Fact]
    public void ARunningReadyPodPrintsReadyCountStatusAndAge()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Running","podIP":"10.244.0.5","conditions":[{"type":"Ready","status":"True"}],
             "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2025-01-01T11:55:05Z"}}}]}
            """);

        Assert.Equal("web-1", pod["Name"]);
        Assert.Equal("1/1", pod["Ready"]);
        Assert.Equal("Running", pod["Status"]);
        Assert.Equal("0", pod["Restarts"]);
        Assert.Equal("5m", pod["Age"]);
        Assert.Equal("10.244.0.5", pod["IP"]);
        Assert.Equal("node-1", pod["Node"]);
        Assert.Equal("<none>", pod["Nominated Node"]);
        Assert.Equal("<none>", pod["Readiness Gates"]);
        Assert.Null(pod.Row.Conditions);
    }

    [Fact]
    public void ACrashLoopingPodShowsCrashLoopBackOffAndWhenItLastRestarted()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":5,
              "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 2m40s restarting failed container"}},
              "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2025-01-01T11:59:30Z"}}}]}
            """);

        Assert.Equal("0/1", pod["Ready"]);
        Assert.Equal("CrashLoopBackOff", pod["Status"]);
        Assert.Equal("5 (30s ago)", pod["Restarts"]);
    }

    [Theory]
    [InlineData("""{"terminated":{"exitCode":137,"reason":"OOMKilled"}}""", "OOMKilled")]
    [InlineData("""{"terminated":{"exitCode":1,"reason":"Error"}}""", "Error")]
    [InlineData("""{"terminated":{"exitCode":0,"reason":"Completed"}}""", "Completed")]
    [InlineData("""{"terminated":{"exitCode":3}}""", "ExitCode:3")]
    [InlineData("""{"terminated":{"exitCode":0,"signal":9}}""", "Signal:9")]
    [InlineData("""{"waiting":{"reason":"ContainerCreating"}}""", "ContainerCreating")]
    [InlineData("""{"waiting":{"reason":"ImagePullBackOff"}}""", "ImagePullBackOff")]
    public void TheContainerStateReasonBecomesThePodStatus(string state, string expected)
    {
        var pod = Pod(OneContainer, $$"""{"phase":"Running","containerStatuses":[{"name":"app","restartCount":0,"state":{{state}} }]}""");

        Assert.Equal(expected, pod["Status"]);
    }

    [Fact]
    public void TheFirstContainerWithAReasonWinsBecauseContainersAreReadFromLastToFirst()
    {
        var pod = Pod("""{"containers":[{"name":"a"},{"name":"b"}]}""", """
            {"phase":"Running","containerStatuses":[
              {"name":"a","state":{"waiting":{"reason":"ErrImagePull"}}},
              {"name":"b","state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}
            """);

        Assert.Equal("ErrImagePull", pod["Status"]);
        Assert.Equal("0/2", pod["Ready"]);
    }

    [Fact]
    public void ACompletedContainerBesideARunningOneShowsRunningWhenThePodIsReady()
    {
        const string spec = """{"containers":[{"name":"a"},{"name":"b"}]}""";
        const string statuses = """
            "containerStatuses":[
              {"name":"a","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
              {"name":"b","ready":true,"state":{"running":{}}}]
            """;

        Assert.Equal("Running", Pod(spec, $$"""{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],{{statuses}} }""")["Status"]);
        Assert.Equal("NotReady", Pod(spec, $$"""{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],{{statuses}} }""")["Status"]);
    }

    [Fact]
    public void ASucceededPodPrintsCompletedAndCarriesTheCompletedRowCondition()
    {
        var pod = Pod(OneContainer, """
            {"phase":"Succeeded","containerStatuses":[{"name":"app","restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}
            """);

        Assert.Equal("Completed", pod["Status"]);
        var condition = Assert.Single(pod.Row.Conditions!);
        Assert.Equal(("Completed", "True", "Succeeded"), (condition.Type, condition.Status, condition.Reason));
    }

    [Fact]
    public void AFailedPodCarriesTheFailedRowCondition()
    {
        var pod = Pod(OneContainer, """{"phase":"Failed","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":2,"reason":"Error"}}}]}""");

        Assert.Equal("Error", pod["Status"]);
        Assert.Equal("Failed", Assert.Single(pod.Row.Conditions!).Reason);
    }

    [Fact]
    public void APendingPodWithoutStatusesShowsItsPhase()
    {
        var pod = Pod(OneContainer, """{"phase":"Pending"}""");

        Assert.Equal("Pending", pod["Status"]);
        Assert.Equal("0/1", pod["Ready"]);
        Assert.Equal("<none>", pod["IP"]);
    }

    [Fact]
    public void ASchedulingGatedPodSaysSo()
    {
        var pod = Pod(OneContainer, """{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}""");

        Assert.Equal("SchedulingGated", pod["Status"]);
    }

    [Fact]
    public void AnInitContainerStillRunningShowsHowManyInitContainersFinished()
    {
        var pod = Pod("""{"initContainers":[{"name":"init"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Pending","initContainerStatuses":[{"name":"init","restartCount":0,"state":{"running":{}}}],
             "containerStatuses":[{"name":"app","state":{"waiting":{"reason":"PodInitializing"}}}]}
            """);

        Assert.Equal("Init:0/1", pod["Status"]);
    }

    [Fact]
    public void ACrashingInitContainerShowsItsWaitingReasonAndCountsItsRestarts()
    {
        var pod = Pod("""{"initContainers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Pending","initContainerStatuses":[
               {"name":"a","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
               {"name":"b","restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
                "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-01-01T11:58:00Z"}}}],
             "containerStatuses":[{"name":"app","state":{"waiting":{"reason":"PodInitializing"}}}]}
            """);

        Assert.Equal("Init:CrashLoopBackOff", pod["Status"]);
        Assert.Equal("3 (2m ago)", pod["Restarts"]);
    }

    [Theory]
    [InlineData("""{"terminated":{"exitCode":1,"reason":"Error"}}""", "Init:Error")]
    [InlineData("""{"terminated":{"exitCode":4}}""", "Init:ExitCode:4")]
    [InlineData("""{"terminated":{"exitCode":1,"signal":15}}""", "Init:Signal:15")]
    [InlineData("""{"waiting":{"reason":"PodInitializing"}}""", "Init:0/1")]
    public void AFailedInitContainerPrefixesItsReasonWithInit(string state, string expected)
    {
        var pod = Pod("""{"initContainers":[{"name":"init"}],"containers":[{"name":"app"}]}""",
            $$"""{"phase":"Pending","initContainerStatuses":[{"name":"init","state":{{state}} }]}""");

        Assert.Equal(expected, pod["Status"]);
    }

    [Fact]
    public void ARunningSidecarCountsAsAContainerAndItsRestartsStillCount()
    {
        var pod = Pod("""{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Running","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}],
             "initContainerStatuses":[{"name":"proxy","started":true,"ready":true,"restartCount":2,"state":{"running":{}},
               "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-01-01T11:50:00Z"}}}],
             "containerStatuses":[{"name":"app","ready":true,"restartCount":1,"state":{"running":{}},
               "lastState":{"terminated":{"exitCode":1,"finishedAt":"2025-01-01T11:40:00Z"}}}]}
            """);

        Assert.Equal("2/2", pod["Ready"]);
        Assert.Equal("Running", pod["Status"]);
        Assert.Equal("3 (10m ago)", pod["Restarts"]);
    }

    [Fact]
    public void RestartsOfFinishedInitContainersStopCountingOnceThePodIsInitialized()
    {
        var pod = Pod("""{"initContainers":[{"name":"init"}],"containers":[{"name":"app"}]}""", """
            {"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],
             "initContainerStatuses":[{"name":"init","restartCount":4,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}],
             "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}
            """);

        Assert.Equal("0", pod["Restarts"]);
    }

    [Fact]
    public void APodBeingDeletedShowsTerminating()
    {
        var pod = Pod(OneContainer, """{"phase":"Running","containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]}""",
            ""","deletionTimestamp":"2025-01-01T11:59:00Z","deletionGracePeriodSeconds":30""");

        Assert.Equal("Terminating", pod["Status"]);
    }

    [Fact]
    public void AFinishedPodBeingDeletedKeepsItsFinalStatus()
    {
        var pod = Pod(OneContainer, """{"phase":"Succeeded","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}""",
            ""","deletionTimestamp":"2025-01-01T11:59:00Z" """);

        Assert.Equal("Completed", pod["Status"]);
    }

    [Fact]
    public void APodOnALostNodeShowsNodeLostAndUnknownOnceItIsBeingDeleted()
    {
        const string status = """{"phase":"Running","reason":"NodeLost"}""";

        Assert.Equal("NodeLost", Pod("""{"containers":[{"name":"app"}]}""", status)["Status"]);
        Assert.Equal("Unknown", Pod("""{"containers":[{"name":"app"}]}""", status, ""","deletionTimestamp":"2025-01-01T11:59:00Z" """)["Status"]);
    }

    [Fact]
    public void WideColumnsShowTheFirstPodIPNominatedNodeAndReadinessGates()
    {
        var pod = Pod("""{"containers":[{"name":"app"}],"readinessGates":[{"conditionType":"example.com/a"},{"conditionType":"example.com/b"}]}""", """
            {"phase":"Pending","podIP":"10.0.0.9","podIPs":[{"ip":"10.0.0.9"},{"ip":"fd00::9"}],"nominatedNodeName":"node-2",
             "conditions":[{"type":"example.com/a","status":"True"},{"type":"example.com/b","status":"False"}]}
            """);

        Assert.Equal("10.0.0.9", pod["IP"]);
        Assert.Equal("<none>", pod["Node"]);
        Assert.Equal("node-2", pod["Nominated Node"]);
        Assert.Equal("1/2", pod["Readiness Gates"]);
    }

    [Fact]
    public void APodWithoutACreationTimestampHasAnUnknownAge() =>
        Assert.Equal("<unknown>", Printed.Of("", "Pod", """{"metadata":{"name":"p"}}""")["Age"]);
}
