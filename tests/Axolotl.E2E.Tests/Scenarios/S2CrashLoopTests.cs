using System.Text.RegularExpressions;
using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Scenarios;

/// <summary>
/// Scenario S2 steps 3–4 (seed 001, 12.2) as examples/s2-probes-resources-quotas/README.md walks them:
/// the to-do web app (config.json and secrets.json mounted from a ConfigMap and a Secret) and its
/// database, whose data lives on the PersistentVolumeClaim todo-db-pvc: an item added survives
/// `kubectl delete pod` of the database; a database update with a bad command crashes at once (Error, CrashLoopBackOff), the
/// rollout cannot progress and the old database pod keeps serving.
/// </summary>
[Collection(S2Kit.Collection)]
public sealed class S2CrashLoopTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_database_update_with_a_bad_command_crash_loops_while_the_old_pod_keeps_serving()
    {
        Assert.Equal("persistentvolumeclaim/todo-db-pvc created\nsecret/todo-db-secret created\nservice/todo-db created\ndeployment.apps/todo-db created\n"
            + "configmap/todo-web-config created\nsecret/todo-web-secret created\nservice/todo-web created\ndeployment.apps/todo-web created\n",
            await S2Kit.ApplyAsync(fx, "todo-list/db/", "todo-list/web/"));
        await S2Kit.WaitContainersReadyAsync(fx, "app=todo-web");
        Assert.Contains("\"ToDoDb\": \"Server=todo-db;Database=todo;User Id=postgres;Password=kiamol-2*2*;\"",
            await fx.Kubectl.OkAsync("exec", "deploy/todo-web", "--", "cat", "/app/secrets/secrets.json"));
        var url = await fx.Kubectl.OkAsync("get", "svc", "todo-web", "-o", "jsonpath=http://{.status.loadBalancer.ingress[0].*}:8081");
        Assert.Matches(@"^http://\d+\.\d+\.\d+\.\d+:8081$", url);
        var page = await Eventually.UntilAsync(() => S2Kit.GetAsync(url + "/"), r => r?.Status == 200, "the to-do list page");
        Assert.Contains("<html", page!.Value.Body, StringComparison.OrdinalIgnoreCase);
        // The database keeps its items on its claim: a new pod of the Deployment finds them.
        Assert.Equal(302, await PostItemAsync(url + "/new", "Finish chapter 12"));
        Assert.Contains("<li>Finish chapter 12</li>", (await S2Kit.GetAsync(url + "/"))!.Value.Body, StringComparison.Ordinal);
        Assert.Matches(@"todo-db-pvc\s+Bound\s+pvc-\S+\s+100Mi\s+RWO\s+local-path\s", await fx.Kubectl.OkAsync("get", "pvc", "todo-db-pvc"));
        var firstDb = Assert.Single(await S2Kit.PodNamesAsync(fx, "app=todo-db"));
        await fx.Kubectl.OkAsync("delete", "pod", firstDb);
        await Eventually.UntilAsync(() => S2Kit.PodNamesAsync(fx, "app=todo-db"), p => p.Length == 1 && p[0] != firstDb, "a new database pod", S2Kit.Slow);
        await S2Kit.WaitContainersReadyAsync(fx, "app=todo-db");
        await Eventually.UntilAsync(() => S2Kit.GetAsync(url + "/"), r => r?.Status == 200 && r.Value.Body.Contains("<li>Finish chapter 12</li>", StringComparison.Ordinal),
            "the item served by the new database pod", S2Kit.Slow);
        var oldDb = Assert.Single(await S2Kit.PodNamesAsync(fx, "app=todo-db"));
        Assert.Contains("database system is ready to accept connections", await fx.Kubectl.OkAsync("logs", oldDb));
        // The chapter's liveness command, by hand: the image's pg_isready runs its stand-in.
        Assert.Equal("localhost:5432 - accepting connections\n", await fx.Kubectl.OkAsync("exec", oldDb, "--", "pg_isready", "-h", "localhost"));

        await using var watch = fx.Kubectl.Start("get", "pods", "-l", "app=todo-db", "--watch");
        Assert.Equal("deployment.apps/todo-db configured\n", await S2Kit.ApplyAsync(fx, "todo-list/db/update/todo-db-bad-command.yaml"));
        var seen = await watch.WaitForStdoutAsync(s => Regex.IsMatch(s, @"todo-db-\S+\s+0/1\s+CrashLoopBackOff\s+[1-9]"),
            "the new pod in CrashLoopBackOff", S2Kit.Slow);
        // The watch goes Running → Error → … → CrashLoopBackOff, as on Kubernetes.
        Assert.Matches(@"todo-db-\S+\s+0/1\s+Running\s+\d", seen);
        Assert.Matches(@"todo-db-\S+\s+0/1\s+Error\s+\d", seen);
        var newDb = (await S2Kit.PodNamesAsync(fx, "app=todo-db")).Single(p => p != oldDb);
        await S2Kit.UntilJsonPathAsync(fx, "pod/" + newDb, "{.status.containerStatuses[0].restartCount}", r => r.Length > 0 && int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) >= 2,
            "the new pod restarted twice");
        var describe = await fx.Kubectl.OkAsync("describe", "pod", newDb);
        Assert.Matches(@"Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+1\n", describe);
        Assert.Matches(@"Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container db in pod " + Regex.Escape(newDb), describe);

        // The rollout cannot finish: the old pod stays, Running and Ready, and the web app still answers.
        var table = await fx.Kubectl.OkAsync("get", "pods", "-l", "app=todo-db");
        Assert.Matches(Regex.Escape(oldDb) + @"\s+1/1\s+Running\s+0\s", table);
        Assert.Equal("1", await S2Kit.JsonPathAsync(fx, "deployment/todo-db", "{.status.updatedReplicas}"));
        Assert.Equal("1", await S2Kit.JsonPathAsync(fx, "deployment/todo-db", "{.status.unavailableReplicas}"));
        // The web app's 2 s database timeout can lapse on a machine busy with other tests; the old pod must still answer.
        await Eventually.UntilAsync(() => S2Kit.GetAsync(url + "/"), r => r?.Status == 200, "the web app answering from the old database pod", TimeSpan.FromSeconds(30));
        Assert.Equal(oldDb, await S2Kit.JsonPathAsync(fx, "endpoints/todo-db", "{.subsets[*].addresses[*].targetRef.name}"));
    }

    private static async Task<int> PostItemAsync(string url, string item)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("item", item)]);
        using var response = await http.PostAsync(url, form);
        return (int)response.StatusCode;
    }
}
