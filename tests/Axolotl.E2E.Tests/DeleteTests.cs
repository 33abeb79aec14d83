using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>`kubectl wait --for=delete` and `kubectl delete --cascade=…` against the server's garbage collector.</summary>
[Collection(SharedServerDCollection.Name)]
public sealed class DeleteTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private const string Hold = "e2e.axolotl.dev/hold";

    private static string Pod(string name, bool held) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
        {(held ? $"  finalizers: [{Hold}]" : "")}
        spec:
          containers:
          - name: main
            image: busybox:1.36
        """;

    private async Task<string> UidAsync(string ns, string target) =>
        await fx.Kubectl.OkAsync("get", target, "-n", ns, "-o", "jsonpath={.metadata.uid}");

    /// <summary>Creates ConfigMap <paramref name="owner"/> and dependents pointing at it through ownerReferences.</summary>
    private async Task CreateFamilyAsync(string ns, string owner, params (string Name, bool Held)[] dependents)
    {
        await fx.Kubectl.OkAsync("create", "configmap", owner, "--from-literal=role=owner", "-n", ns);
        var uid = await UidAsync(ns, $"cm/{owner}");
        Assert.Matches("^[0-9a-f-]{36}$", uid);
        var docs = dependents.Select(d => $"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {d.Name}
              namespace: {ns}
            {(d.Held ? $"  finalizers: [{Hold}]" : "")}
              ownerReferences:
              - apiVersion: v1
                kind: ConfigMap
                name: {owner}
                uid: {uid}
                blockOwnerDeletion: true
            data:
              role: dependent
            """);
        await fx.Kubectl.OkAsync("apply", "-f", fx.WriteFile("family.yaml", string.Join("\n---\n", docs)));
    }

    /// <summary>`get -o name`, leaving out kube-root-ca.crt, which real clusters publish into every namespace.</summary>
    private async Task<string> NamesAsync(string ns, string kinds)
    {
        var result = await fx.Kubectl.RunAsync("get", kinds, "-n", ns, "-o", "name");
        return string.Concat(TableText.Lines(result.Stdout).Where(l => l != "configmap/kube-root-ca.crt").Select(l => l + "\n"));
    }

    private Task<ProcessResult> GetAsync(string ns, string target, string jsonPath) =>
        fx.Kubectl.RunAsync("get", target, "-n", ns, "-o", $"jsonpath={jsonPath}");

    private Task WaitGoneAsync(string ns, string target) =>
        Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode != 0 && r.Stderr.Contains("(NotFound)", StringComparison.Ordinal),
            $"{target} in {ns} to be gone", "get", target, "-n", ns, "-o", "name");

    private Task ReleaseAsync(string ns, string target) =>
        fx.Kubectl.OkAsync("patch", target, "-n", ns, "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");

    [Fact]
    public async Task Deleting_an_unscheduled_pod_removes_it_at_once()
    {
        var ns = await fx.NewNamespaceAsync("delete-pod");
        await fx.Kubectl.OkWithInputAsync(Pod("p", held: false), "apply", "-n", ns, "-f", "-");

        Assert.Equal("pod \"p\" deleted\n", await fx.Kubectl.OkAsync("delete", "pod", "p", "-n", ns, "--timeout=30s"));

        Assert.Contains("(NotFound)", await fx.Kubectl.FailAsync("get", "pod", "p", "-n", ns));
    }

    [Fact]
    public async Task Wait_for_delete_returns_when_another_command_deletes_the_pod()
    {
        var ns = await fx.NewNamespaceAsync("wait-delete");
        await fx.Kubectl.OkWithInputAsync(Pod("x", held: true), "apply", "-n", ns, "-f", "-");

        await using var waiter = fx.Kubectl.Start("wait", "--for=delete", "pod/x", "-n", ns, "--timeout=30s");
        Assert.Equal("pod \"x\" deleted\n", await fx.Kubectl.OkAsync("delete", "pod", "x", "-n", ns, "--wait=false"));
        var terminating = await GetAsync(ns, "pod/x", "{.metadata.deletionTimestamp}");
        Assert.True(terminating.ExitCode == 0 && terminating.Stdout.Length > 0, $"the held pod should linger with a deletionTimestamp: {terminating}");
        Assert.False(waiter.HasExited, $"wait ended while the pod still exists: {waiter.Stdout}{waiter.Stderr}");

        await ReleaseAsync(ns, "pod/x");

        var result = await waiter.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("pod/x condition met\n", result.Stdout);
    }

    [Fact]
    public async Task Wait_for_delete_times_out_while_the_pod_stays()
    {
        var ns = await fx.NewNamespaceAsync("wait-timeout");
        await fx.Kubectl.OkWithInputAsync(Pod("stays", held: false), "apply", "-n", ns, "-f", "-");

        var output = await fx.Kubectl.FailAsync("wait", "--for=delete", "pod/stays", "-n", ns, "--timeout=2s");

        Assert.Contains("error: timed out waiting for the condition on pods/stays", output);
    }

    [Fact]
    public async Task Background_deletion_removes_the_dependents_soon_after_the_owner()
    {
        var ns = await fx.NewNamespaceAsync("cascade-bg");
        await CreateFamilyAsync(ns, "owner", ("dep-1", false), ("dep-2", false));

        Assert.Equal("configmap \"owner\" deleted\n", await fx.Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns, "--cascade=background"));

        await WaitGoneAsync(ns, "cm/dep-1");
        await WaitGoneAsync(ns, "cm/dep-2");
    }

    [Fact]
    public async Task Default_deletion_is_background_and_removes_the_dependents()
    {
        var ns = await fx.NewNamespaceAsync("cascade-default");
        await CreateFamilyAsync(ns, "owner", ("dep-1", false));

        Assert.Equal("configmap \"owner\" deleted\n", await fx.Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns));

        await WaitGoneAsync(ns, "cm/dep-1");
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_owner_until_its_dependents_are_gone()
    {
        var ns = await fx.NewNamespaceAsync("cascade-fg");
        await CreateFamilyAsync(ns, "owner", ("dep-held", true), ("dep-free", false));

        Assert.Equal("configmap \"owner\" deleted\n",
            await fx.Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns, "--cascade=foreground", "--wait=false"));

        var owner = await GetAsync(ns, "cm/owner", "{.metadata.deletionTimestamp} {.metadata.finalizers}");
        Assert.True(owner.ExitCode == 0, $"the owner must still exist during foreground deletion: {owner}");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[""foregroundDeletion""\]$", owner.Stdout);

        await WaitGoneAsync(ns, "cm/dep-free");
        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout.Length > 0, "the held dependent to be marked for deletion",
            "get", "cm/dep-held", "-n", ns, "-o", "jsonpath={.metadata.deletionTimestamp}");
        var stillThere = await GetAsync(ns, "cm/owner", "{.metadata.finalizers}");
        Assert.True(stillThere.ExitCode == 0 && stillThere.Stdout.Contains("foregroundDeletion", StringComparison.Ordinal),
            $"the owner must wait for its blocking dependent: {stillThere}");

        await ReleaseAsync(ns, "cm/dep-held");

        await WaitGoneAsync(ns, "cm/dep-held");
        await WaitGoneAsync(ns, "cm/owner");
    }

    [Fact]
    public async Task Foreground_deletion_with_wait_returns_after_the_dependents_are_gone()
    {
        var ns = await fx.NewNamespaceAsync("cascade-fg-wait");
        await CreateFamilyAsync(ns, "owner", ("dep-1", false), ("dep-2", false));

        Assert.Equal("configmap \"owner\" deleted\n",
            await fx.Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns, "--cascade=foreground", "--timeout=30s"));

        Assert.Equal("", await NamesAsync(ns, "configmaps"));
    }

    [Fact]
    public async Task Orphan_deletion_keeps_the_dependents_and_strips_their_owner_references()
    {
        var ns = await fx.NewNamespaceAsync("cascade-orphan");
        await CreateFamilyAsync(ns, "owner", ("dep-1", false), ("dep-2", false));

        Assert.Equal("configmap \"owner\" deleted\n", await fx.Kubectl.OkAsync("delete", "configmap", "owner", "-n", ns, "--cascade=orphan", "--timeout=30s"));

        await WaitGoneAsync(ns, "cm/owner");
        foreach (var dependent in (string[])["cm/dep-1", "cm/dep-2"])
        {
            await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode == 0 && r.Stdout == "dependent|",
                $"{dependent} to survive without ownerReferences", "get", dependent, "-n", ns, "-o", "jsonpath={.data.role}|{.metadata.ownerReferences}");
        }
    }

    [Fact]
    public async Task Deleting_a_namespace_terminates_it_and_deletes_its_contents()
    {
        var ns = await fx.NewNamespaceAsync("ns-delete");
        await fx.Kubectl.OkAsync("create", "configmap", "plain", "--from-literal=a=1", "-n", ns);
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", "-n", ns);
        await fx.Kubectl.OkWithInputAsync($"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [{Hold}]\n", "apply", "-n", ns, "-f", "-");

        Assert.Equal($"namespace \"{ns}\" deleted\n", await fx.Kubectl.OkAsync("delete", "namespace", ns, "--wait=false"));

        var table = await fx.Kubectl.OkAsync("get", "namespace", ns);
        Assert.Equal("Terminating", TableText.Row(table, ns)[1]);
        await WaitGoneAsync(ns, "cm/plain");
        await WaitGoneAsync(ns, "deployment/web");
        var refused = await fx.Kubectl.FailAsync("create", "configmap", "late", "--from-literal=a=1", "-n", ns);
        Assert.Contains($"unable to create new content in namespace {ns} because it is being terminated", refused);
        Assert.Equal("Terminating", TableText.Row(await fx.Kubectl.OkAsync("get", "namespace", ns), ns)[1]);

        await ReleaseAsync(ns, "cm/held");

        await Eventually.KubectlAsync(fx.Kubectl, r => r.ExitCode != 0 && r.Stderr.Contains($"namespaces \"{ns}\" not found", StringComparison.Ordinal),
            $"namespace {ns} to be gone", "get", "namespace", ns);
    }

    [Fact]
    public async Task Deleting_a_namespace_and_waiting_leaves_nothing_behind()
    {
        var ns = await fx.NewNamespaceAsync("ns-delete-wait");
        await fx.Kubectl.OkAsync("create", "configmap", "one", "--from-literal=a=1", "-n", ns);
        await fx.Kubectl.OkAsync("create", "secret", "generic", "two", "--from-literal=a=1", "-n", ns);

        Assert.Equal($"namespace \"{ns}\" deleted\n", await fx.Kubectl.OkAsync("delete", "namespace", ns, "--timeout=60s"));

        Assert.Contains($"namespaces \"{ns}\" not found", await fx.Kubectl.FailAsync("get", "namespace", ns));
        Assert.Equal("", await NamesAsync(ns, "configmaps,secrets"));
    }

    [Fact]
    public async Task Delete_by_label_selector_deletes_every_match()
    {
        var ns = await fx.NewNamespaceAsync("delete-label");
        foreach (var name in (string[])["a", "b", "c"])
        {
            await fx.Kubectl.OkAsync("create", "configmap", name, "--from-literal=k=v", "-n", ns);
        }
        await fx.Kubectl.OkAsync("label", "configmap", "a", "b", "doomed=yes", "-n", ns);

        var output = await fx.Kubectl.OkAsync("delete", "configmaps", "-l", "doomed=yes", "-n", ns);

        Assert.Equal("configmap \"a\" deleted\nconfigmap \"b\" deleted\n", output);
        Assert.Equal("configmap/c\n", await NamesAsync(ns, "configmaps"));
    }

    [Fact]
    public async Task Delete_of_a_missing_object_is_not_found_unless_ignored()
    {
        var ns = await fx.NewNamespaceAsync("delete-missing");

        Assert.Contains("Error from server (NotFound): configmaps \"ghost\" not found", await fx.Kubectl.FailAsync("delete", "configmap", "ghost", "-n", ns));
        Assert.Equal("", await fx.Kubectl.OkAsync("delete", "configmap", "ghost", "-n", ns, "--ignore-not-found"));
    }
}
