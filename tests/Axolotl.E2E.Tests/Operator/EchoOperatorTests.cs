using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Operator;

/// <summary>
/// examples/operator end to end: its image built by build-image.sh (self-contained publish on the debian seed
/// image) and imported into the node, its CRD, RBAC and Deployment applied as the README says, then the
/// operator, running in a pod under its ServiceAccount with in-cluster config, reconciles an EchoServer,
/// heals what it owns and lets the garbage collector remove it all when the EchoServer goes.
/// </summary>
public sealed class EchoOperatorTests(InClusterServerFixture fx) : IClassFixture<InClusterServerFixture>
{
    private const string Ns = "echo";
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);
    private static string Example(string relative) => Path.Combine(RepoPaths.Root, "examples", "operator", relative);

    [Fact]
    public async Task The_operator_runs_in_a_pod_reconciles_an_EchoServer_heals_its_Deployment_and_the_GC_removes_what_it_owned()
    {
        var archive = Path.Combine(fx.WorkDir, "echo-operator.tar");
        var build = await ProcessRunner.RunAsync("bash", [Example("build-image.sh"), archive], timeout: TimeSpan.FromMinutes(6));
        Assert.True(build.ExitCode == 0, $"build-image.sh failed: {build}");
        var import = await ProcessRunner.RunAsync(await AxolotlServer.EnsureBuiltAsync(), ["images", "import", archive, "--data-dir", fx.Server.DataDir]);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("imported examples.axolotl.io/echo-operator:0.1.0", import.Stdout, StringComparison.Ordinal);

        var applied = await fx.Kubectl.OkAsync("apply", "-f", Example("deploy"));
        Assert.Equal("namespace/echo created\ncustomresourcedefinition.apiextensions.k8s.io/echoservers.examples.axolotl.io created\n"
            + "serviceaccount/echo-operator created\nrole.rbac.authorization.k8s.io/echo-operator created\nrolebinding.rbac.authorization.k8s.io/echo-operator created\n"
            + "deployment.apps/echo-operator created\n", applied);
        var operatorPod = await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", Ns, "-l", "app=echo-operator", "-o", "name"),
            p => p.Trim().Length > 0, "the operator pod", Slow);
        var log = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("logs", "-n", Ns, operatorPod.Trim()),
            r => r.Stdout.Contains("watching EchoServers", StringComparison.Ordinal), "the operator watching", Slow);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(log.Stdout, @"connecting to https://10\.96\.\d+\.1:443/? \(in-cluster service account\)"), log.Stdout);
        try
        {
            // Least privilege: what its Role grants, and nothing else.
            Assert.Equal("yes", await CanIAsync("create", "deployments"));
            Assert.Equal("yes", await CanIAsync("update", "echoservers.examples.axolotl.io", "--subresource=status"));
            Assert.Equal("no", await CanIAsync("update", "echoservers.examples.axolotl.io"));
            Assert.Equal("no", await CanIAsync("list", "pods"));
            Assert.Equal("no", await CanIAsync("list", "secrets"));
            Assert.Equal("no", await CanIAsync("create", "deployments", "-n", "default"));

            Assert.Equal("echoserver.examples.axolotl.io/hello created\n", await fx.Kubectl.OkAsync("apply", "-f", Example("samples/hello.yaml")));
            await Eventually.UntilAsync(() => JsonPathAsync("echo/hello", "{.status.readyReplicas}/{.status.conditions[0].type}={.status.conditions[0].status}"),
                s => s == "2/Ready=True", "hello's status: 2 ready replicas, Ready", Slow);
            var echoUid = await JsonPathAsync("echo/hello", "{.metadata.uid}");
            Assert.Equal($"EchoServer/hello/{echoUid}/true", await JsonPathAsync("deployment/hello", "{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}/{.metadata.ownerReferences[0].uid}/{.metadata.ownerReferences[0].controller}"));
            Assert.Equal($"EchoServer/{echoUid}", await JsonPathAsync("service/hello", "{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].uid}"));
            Assert.Matches(@"hello\s+2\s+2\s+AllReplicasReady\s+hello from the echo operator\s+\d+s", await fx.Kubectl.OkAsync("get", "echo", "-n", Ns));
            await Eventually.UntilAsync(ServedMessageAsync, m => m == "hello from the echo operator\n", "the message served by the Service", Slow);
            Assert.Matches(@"Normal\s+CreatedDeployment\s+.*echo-operator\s+Created Deployment hello with 2 replicas", await fx.Kubectl.OkAsync("describe", "echo", "hello", "-n", Ns));

            // Healing: a deleted Deployment comes back; an edited one is put back as the EchoServer says.
            var firstUid = await JsonPathAsync("deployment/hello", "{.metadata.uid}");
            await fx.Kubectl.OkAsync("delete", "deployment", "hello", "-n", Ns, "--wait=false");
            await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "deployment", "hello", "-n", Ns, "-o", "jsonpath={.metadata.uid}"),
                r => r.ExitCode == 0 && r.Stdout.Length > 0 && r.Stdout != firstUid, "a new Deployment hello", Slow);
            await fx.Kubectl.OkAsync("scale", "deployment", "hello", "-n", Ns, "--replicas=4");
            await Eventually.UntilAsync(() => JsonPathAsync("deployment/hello", "{.spec.replicas}"), r => r == "2", "replicas restored to 2", Slow);
            await fx.Kubectl.OkAsync("delete", "service", "hello", "-n", Ns);
            await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "service", "hello", "-n", Ns, "-o", "name"), r => r.ExitCode == 0, "the Service recreated", Slow);
            await Eventually.UntilAsync(() => JsonPathAsync("echo/hello", "{.status.readyReplicas}/{.status.conditions[0].status}"), s => s == "2/True", "Ready again", Slow);
            var describe = await fx.Kubectl.OkAsync("describe", "echo", "hello", "-n", Ns);
            Assert.Matches(@"Normal\s+RestoredDeployment\s+.*Deployment hello had drifted from the EchoServer: restored it", describe);
            Assert.Matches(@"Normal\s+CreatedService\s+.*Created Service hello", describe);

            // A changed spec rolls out through the Deployment; the scale subresource works on the custom resource.
            await fx.Kubectl.OkAsync("patch", "echo", "hello", "-n", Ns, "--type=merge", "-p", """{"spec":{"message":"second message"}}""");
            await Eventually.UntilAsync(() => ServedMessageAsync(), m => m == "second message\n", "the new message served", Slow);
            Assert.Equal("echoserver.examples.axolotl.io/hello scaled\n", await fx.Kubectl.OkAsync("scale", "echo", "hello", "-n", Ns, "--replicas=1"));
            await Eventually.UntilAsync(() => JsonPathAsync("echo/hello", "{.status.readyReplicas}/{.status.conditions[0].status}"), s => s == "1/True", "1 ready replica", Slow);

            // The EchoServer goes: the garbage collector deletes what it owned, the operator makes nothing again.
            await fx.Kubectl.OkAsync("delete", "echo", "hello", "-n", Ns);
            await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "deployments,services,replicasets,pods", "-n", Ns, "-l", "app.kubernetes.io/instance=hello", "-o", "name"),
                t => t.Trim().Length == 0, "hello's Deployment, Service, ReplicaSets and pods gone", Slow);
            // Its Role was enough: nothing it tried was forbidden.
            Assert.DoesNotContain("(403 ", await fx.Kubectl.OkAsync("logs", "-n", Ns, operatorPod.Trim()), StringComparison.Ordinal);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // What the operator said is what explains a failure here.
            var operatorLog = await fx.Kubectl.RunAsync("logs", "-n", Ns, operatorPod.Trim());
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- operator log ---\n{operatorLog.Output}", e);
        }
    }

    private Task<string> CanIAsync(string verb, string resource, params string[] more) =>
        fx.Kubectl.RunAsync(["auth", "can-i", verb, resource, "-n", Ns, "--as", "system:serviceaccount:echo:echo-operator", .. more], null)
            .ContinueWith(t => t.Result.Stdout.Trim(), TaskScheduler.Default);

    private async Task<string> JsonPathAsync(string resource, string path) =>
        (await fx.Kubectl.OkAsync("get", resource, "-n", Ns, "-o", $"jsonpath={path}")).Trim();

    /// <summary>What the Service answers, through the API server's service proxy (as `kubectl get --raw` in the README).</summary>
    private async Task<string> ServedMessageAsync()
    {
        var result = await fx.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{Ns}/services/hello:http/proxy/");
        return result.ExitCode == 0 ? result.Stdout : $"(exit {result.ExitCode}: {result.Stderr.Trim()})";
    }
}
