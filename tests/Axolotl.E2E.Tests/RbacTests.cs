using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>
/// RBAC seen from the real kubectl: users from `axolotl kubeconfig --user` client certificates, denied
/// until a RoleBinding grants them, `kubectl auth can-i [--list] [--as]`, `kubectl auth whoami`,
/// escalation prevention and impersonation.
/// </summary>
[Collection(SharedServerCCollection.Name)]
public sealed class RbacTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private async Task<string> UserKubeconfigAsync(string user, params string[] groups)
    {
        var file = Path.Combine(fx.WorkDir, $"kubeconfig-{user}-{Guid.NewGuid():N}");
        var binary = await AxolotlServer.EnsureBuiltAsync();
        string[] args = ["kubeconfig", "--user", user, .. groups.SelectMany(g => new[] { "--group", g }), "--data-dir", fx.Server.DataDir, "--out", file];
        var result = await ProcessRunner.RunAsync(binary, args, timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        return file;
    }

    private Task<ProcessResult> AsUserAsync(string kubeconfig, params string[] args) =>
        fx.Kubectl.RunAsync(args, stdin: null, env: new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig });

    [Fact]
    public async Task A_certificate_user_is_denied_until_a_RoleBinding_grants_the_role()
    {
        var ns = await fx.NewNamespaceAsync("rbac-grant");
        var alice = await UserKubeconfigAsync("alice", "devs");

        var denied = await AsUserAsync(alice, "get", "pods", "-n", ns);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains($"pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}\"", denied.Output);

        await fx.Kubectl.OkAsync("create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods", "-n", ns);
        await fx.Kubectl.OkAsync("create", "rolebinding", "alice-reads", "--role=pod-reader", "--user=alice", "-n", ns);

        await Eventually.UntilAsync(() => AsUserAsync(alice, "get", "pods", "-n", ns), r => r.ExitCode == 0, "alice may list pods");
        var write = await AsUserAsync(alice, "create", "configmap", "c", "-n", ns);
        Assert.Contains($"configmaps is forbidden: User \"alice\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"{ns}\"", write.Output);
        var other = await fx.NewNamespaceAsync("rbac-other");
        Assert.Contains($"in the namespace \"{other}\"", (await AsUserAsync(alice, "get", "pods", "-n", other)).Output);

        var wide = await fx.Kubectl.OkAsync("get", "rolebinding", "alice-reads", "-n", ns, "-o", "wide");
        Assert.Contains("Role/pod-reader", wide);
        Assert.Contains("alice", wide);
        var whoami = await AsUserAsync(alice, "auth", "whoami");
        Assert.True(whoami.ExitCode == 0, whoami.ToString());
        Assert.Contains("alice", whoami.Stdout);
        Assert.Contains("[devs system:authenticated]", whoami.Stdout);
    }

    [Fact]
    public async Task Can_i_answers_for_the_caller_for_others_and_lists_rules()
    {
        var ns = await fx.NewNamespaceAsync("rbac-cani");
        Assert.Equal("yes", (await fx.Kubectl.OkAsync("auth", "can-i", "*", "*")).Trim());

        var no = await fx.Kubectl.RunAsync("auth", "can-i", "list", "secrets", "-n", ns, "--as", "bob");
        Assert.Equal(1, no.ExitCode);
        Assert.Equal("no", no.Stdout.Trim());

        await fx.Kubectl.OkAsync("create", "rolebinding", "bob-views", "--clusterrole=view", "--user=bob", "-n", ns);
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("auth", "can-i", "list", "pods", "-n", ns, "--as", "bob"), r => r.Stdout.Trim() == "yes", "bob may list pods through view");
        // view (aggregated from system:aggregate-to-view) does not read secrets.
        Assert.Equal("no", (await fx.Kubectl.RunAsync("auth", "can-i", "get", "secrets", "-n", ns, "--as", "bob")).Stdout.Trim());
        Assert.Equal("no", (await fx.Kubectl.RunAsync("auth", "can-i", "list", "pods", "-n", "default", "--as", "bob")).Stdout.Trim());
        Assert.Equal("yes", (await fx.Kubectl.RunAsync("auth", "can-i", "get", "pods/log", "-n", ns, "--as", "bob")).Stdout.Trim());

        // A group binding reaches a user only with that group.
        await fx.Kubectl.OkAsync("create", "rolebinding", "ops-edit", "--clusterrole=edit", "--group=ops", "-n", ns);
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("auth", "can-i", "create", "deployments.apps", "-n", ns, "--as", "carol", "--as-group", "ops"),
            r => r.Stdout.Trim() == "yes", "group ops may create deployments through edit");
        Assert.Equal("no", (await fx.Kubectl.RunAsync("auth", "can-i", "create", "deployments.apps", "-n", ns, "--as", "carol")).Stdout.Trim());

        var list = await fx.Kubectl.OkAsync("auth", "can-i", "--list", "-n", ns, "--as", "bob");
        Assert.Contains("pods", list);
        Assert.Contains("selfsubjectaccessreviews.authorization.k8s.io", list);
        Assert.Contains("[/api/*]", list);
    }

    [Fact]
    public async Task A_role_granting_more_than_its_author_holds_is_refused()
    {
        var ns = await fx.NewNamespaceAsync("rbac-escalate");
        var dave = await UserKubeconfigAsync("dave");
        await fx.Kubectl.OkAsync("create", "role", "role-writer", "--verb=create,get,list", "--resource=roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io,configmaps", "-n", ns);
        await fx.Kubectl.OkAsync("create", "rolebinding", "dave-writes", "--role=role-writer", "--user=dave", "-n", ns);
        await Eventually.UntilAsync(() => AsUserAsync(dave, "get", "roles", "-n", ns), r => r.ExitCode == 0, "dave may read roles");

        var escalated = await AsUserAsync(dave, "create", "role", "secret-reader", "--verb=get", "--resource=secrets", "-n", ns);
        Assert.NotEqual(0, escalated.ExitCode);
        Assert.Contains("roles.rbac.authorization.k8s.io \"secret-reader\" is forbidden: user \"dave\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:", escalated.Output);
        Assert.Contains("{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\"]}", escalated.Output);

        // What dave holds, dave may grant; binding a role dave does not hold is refused.
        await AsUserAsync(dave, "create", "role", "cm-reader", "--verb=get", "--resource=configmaps", "-n", ns).ContinueWith(t => Assert.True(t.Result.ExitCode == 0, t.Result.ToString()), TaskScheduler.Default);
        var bind = await AsUserAsync(dave, "create", "rolebinding", "dave-admin", "--clusterrole=admin", "--user=dave", "-n", ns);
        Assert.NotEqual(0, bind.ExitCode);
        Assert.Contains("is attempting to grant RBAC permissions not currently held", bind.Output);
    }

    [Fact]
    public async Task Impersonation_needs_the_impersonate_verb()
    {
        var erin = await UserKubeconfigAsync("erin");

        var denied = await AsUserAsync(erin, "get", "pods", "-n", "default", "--as", "frank");
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("users \"frank\" is forbidden: User \"erin\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", denied.Output);

        var role = fx.UniqueName("impersonator");
        await fx.Kubectl.OkAsync("create", "clusterrole", role, "--verb=impersonate", "--resource=users,groups", "--resource-name=frank", "--resource-name=auditors");
        await fx.Kubectl.OkAsync("create", "clusterrolebinding", role, $"--clusterrole={role}", "--user=erin");

        var allowed = await Eventually.UntilAsync(() => AsUserAsync(erin, "auth", "whoami", "--as", "frank", "--as-group", "auditors"), r => r.ExitCode == 0, "erin may impersonate frank");
        Assert.Contains("frank", allowed.Stdout);
        Assert.Contains("[auditors system:authenticated]", allowed.Stdout);
        var otherGroup = await AsUserAsync(erin, "get", "pods", "-n", "default", "--as", "frank", "--as-group", "system:masters");
        Assert.Contains("groups \"system:masters\" is forbidden: User \"erin\" cannot impersonate resource \"groups\" in API group \"\" at the cluster scope", otherGroup.Output);
    }

    [Fact]
    public async Task Invalid_bindings_get_upstream_validation_messages()
    {
        var ns = await fx.NewNamespaceAsync("rbac-invalid");
        var manifest = fx.WriteFile($"bad-binding-{Guid.NewGuid():N}.yaml", $"""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: bad
              namespace: {ns}
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Deployment
              name: x
            subjects:
            - kind: Robot
              name: r2
            """);
        var result = await fx.Kubectl.FailAsync("create", "-f", manifest);
        Assert.Contains("\"bad\" is invalid", result);
        Assert.Contains("roleRef.kind: Unsupported value: \"Deployment\": supported values: \"Role\", \"ClusterRole\"", result);
        Assert.Contains("subjects[0].kind: Unsupported value: \"Robot\"", result);
    }

    [Fact]
    public async Task TokenReview_authenticates_a_token_and_describe_shows_a_role()
    {
        var token = (await File.ReadAllTextAsync(Path.Combine(fx.Server.DataDir, "tokens", "admin"))).Trim();
        var review = fx.WriteFile($"review-{Guid.NewGuid():N}.yaml", $"""
            apiVersion: authentication.k8s.io/v1
            kind: TokenReview
            spec:
              token: {token}
            """);
        var bad = fx.WriteFile($"review-{Guid.NewGuid():N}.yaml", """
            apiVersion: authentication.k8s.io/v1
            kind: TokenReview
            spec:
              token: not-a-token
            """);

        var ok = await fx.Kubectl.OkAsync("create", "-f", review, "-o", "jsonpath={.status.authenticated} {.status.user.username} {.status.user.groups}");
        var no = await fx.Kubectl.OkAsync("create", "-f", bad, "-o", "jsonpath={.status.authenticated}");

        Assert.Equal("true axolotl-admin [\"system:masters\",\"system:authenticated\"]", ok.Trim());
        Assert.Equal("false", no.Trim());

        var ns = await fx.NewNamespaceAsync("rbac-describe");
        await fx.Kubectl.OkAsync("create", "role", "cm-editor", "--verb=get,update", "--resource=configmaps", "--resource-name=settings", "-n", ns);
        var described = await fx.Kubectl.OkAsync("describe", "role", "cm-editor", "-n", ns);
        Assert.Contains("Name:         cm-editor", described);
        Assert.Contains("configmaps", described);
        Assert.Contains("[settings]", described);
        Assert.Contains("[get update]", described);
        Assert.Contains("system:aggregate-to-view", await fx.Kubectl.OkAsync("get", "clusterroles"));
    }
}
