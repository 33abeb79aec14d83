using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests;

/// <summary>`kubectl edit` with a scripted EDITOR, and `kubectl scale` through the scale subresource.</summary>
[Collection(SharedServerCCollection.Name)]
public sealed class EditScaleTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private async Task<string> NewDeploymentAsync(string prefix, int replicas = 3)
    {
        var ns = await fx.NewNamespaceAsync(prefix);
        await fx.Kubectl.OkAsync("create", "deployment", "web", "--image=nginx:1.25", $"--replicas={replicas}", "--port=80", "-n", ns);
        return ns;
    }

    private Task<ProcessResult> EditAsync(string ns, string editorScript, params string[] extra) =>
        fx.Kubectl.RunAsync(["edit", "deployment", "web", "-n", ns, .. extra], stdin: null,
            env: new Dictionary<string, string> { ["EDITOR"] = editorScript, ["KUBE_EDITOR"] = editorScript, ["TMPDIR"] = fx.WorkDir });

    private Task<string> ReplicasAsync(string ns) =>
        fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}");

    [Fact]
    public async Task Edit_with_a_scripted_editor_saves_the_change()
    {
        var ns = await NewDeploymentAsync("edit");
        var editor = fx.WriteScript("editor.sh", "sed -i 's/replicas: 3/replicas: 4/' \"$1\"");

        var result = await EditAsync(ns, editor);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("deployment.apps/web edited\n", result.Stdout);
        Assert.Equal("4", await ReplicasAsync(ns));
    }

    [Fact]
    public async Task Edit_that_changes_nothing_is_cancelled()
    {
        var ns = await NewDeploymentAsync("edit-noop");
        var editor = fx.WriteScript("editor.sh", "true");

        var result = await EditAsync(ns, editor);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Edit cancelled, no changes made.", result.Output);
        Assert.Equal("3", await ReplicasAsync(ns));
    }

    [Fact]
    public async Task Edit_that_makes_the_object_invalid_reports_the_error_and_changes_nothing()
    {
        var ns = await NewDeploymentAsync("edit-invalid");
        var editor = fx.WriteScript("editor.sh", "sed -i 's/image: nginx:1.25/image: \"\"/' \"$1\"");

        var result = await EditAsync(ns, editor);

        // kubectl reopens the editor with the server's causes as comments; the script changes nothing
        // the second time, so kubectl gives up and keeps a copy holding those comments.
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("error: deployments.apps \"web\" is invalid", result.Stderr);
        Assert.Contains("error: Edit cancelled, no valid changes were saved.", result.Stderr);
        var copy = System.Text.RegularExpressions.Regex.Match(result.Stderr, "A copy of your changes has been stored to \"(?<path>[^\"]+)\"");
        Assert.True(copy.Success, result.ToString());
        var saved = await File.ReadAllTextAsync(copy.Groups["path"].Value);
        Assert.Contains("# deployments.apps \"web\" was not valid:\n# * spec.template.spec.containers[0].image: Required value\n", saved);
        Assert.Equal("nginx:1.25", await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
    }

    [Fact]
    public async Task Edit_of_a_missing_object_is_not_found()
    {
        var ns = await fx.NewNamespaceAsync("edit-missing");
        var editor = fx.WriteScript("editor.sh", "true");

        var result = await fx.Kubectl.RunAsync(["edit", "configmap", "ghost", "-n", ns], stdin: null, env: new Dictionary<string, string> { ["EDITOR"] = editor });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Error from server (NotFound): configmaps \"ghost\" not found", result.Output);
    }

    [Fact]
    public async Task Scale_sets_spec_replicas_through_the_scale_subresource()
    {
        var ns = await NewDeploymentAsync("scale");

        Assert.Equal("deployment.apps/web scaled\n", await fx.Kubectl.OkAsync("scale", "deployment", "web", "--replicas=5", "-n", ns));
        Assert.Equal("5", await ReplicasAsync(ns));

        Assert.Equal("deployment.apps/web scaled\n", await fx.Kubectl.OkAsync("scale", "deploy/web", "--replicas=0", "-n", ns));
        Assert.Equal("0", await ReplicasAsync(ns));
    }

    [Fact]
    public async Task Scale_with_a_matching_current_replicas_precondition_succeeds()
    {
        var ns = await NewDeploymentAsync("scale-current", replicas: 2);

        Assert.Equal("deployment.apps/web scaled\n", await fx.Kubectl.OkAsync("scale", "deployment", "web", "--current-replicas=2", "--replicas=6", "-n", ns));
        Assert.Equal("6", await ReplicasAsync(ns));
    }

    [Fact]
    public async Task Scale_with_a_mismatched_current_replicas_precondition_fails()
    {
        var ns = await NewDeploymentAsync("scale-mismatch");
        await fx.Kubectl.OkAsync("scale", "deployment", "web", "--replicas=5", "-n", ns);

        var output = await fx.Kubectl.FailAsync("scale", "deployment", "web", "--current-replicas=2", "--replicas=3", "-n", ns);

        Assert.Contains("Expected replicas to be 2, was 5", output);
        Assert.Equal("5", await ReplicasAsync(ns));
    }

    [Fact]
    public async Task Scale_to_a_negative_count_is_refused()
    {
        var ns = await NewDeploymentAsync("scale-negative");

        var output = await fx.Kubectl.FailAsync("scale", "deployment", "web", "--replicas=-1", "-n", ns);

        Assert.Contains("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0", output);
        Assert.Equal("3", await ReplicasAsync(ns));
    }

    [Fact]
    public async Task Scale_of_a_missing_deployment_is_not_found()
    {
        var ns = await fx.NewNamespaceAsync("scale-missing");

        var output = await fx.Kubectl.FailAsync("scale", "deployment", "ghost", "--replicas=2", "-n", ns);

        Assert.Contains("deployments.apps \"ghost\" not found", output);
    }

    [Fact]
    public async Task Get_scale_subresource_returns_an_autoscaling_v1_scale()
    {
        var ns = await NewDeploymentAsync("scale-get");

        var output = await fx.Kubectl.OkAsync("get", "deployment", "web", "-n", ns, "--subresource=scale", "-o", "jsonpath={.apiVersion} {.kind} {.spec.replicas} {.status.selector}");

        Assert.Equal("autoscaling/v1 Scale 3 app=web", output);
    }
}
