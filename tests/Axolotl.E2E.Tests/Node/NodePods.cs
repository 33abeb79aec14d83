using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Node;

/// <summary>A long-running pod with a memory-backed volume (a tmpfs mount under the data dir) for the cleanup tests.</summary>
internal static class NodePods
{
    public static async Task<string> RunSleeperAsync(AxolotlServer server, string name = "sleeper")
    {
        var kubectl = new Kubectl(server);
        await kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}, namespace: default}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: c
                image: busybox
                command: [sh, -c, 'sleep 3600']
                volumeMounts: [{name: scratch, mountPath: /scratch}]
              volumes:
              - name: scratch
                emptyDir: {medium: Memory}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => kubectl.OkAsync("get", "pod", name, "-o", "jsonpath={.status.phase}"), s => s == "Running", $"{name} Running", TimeSpan.FromSeconds(60));
        return await kubectl.OkAsync("get", "pod", name, "-o", "jsonpath={.metadata.uid}");
    }

    /// <summary>Alive and not a zombie (a killed container's process may wait for a reaper a moment).</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
