using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.ClientPaths;

/// <summary>One server and one long-running busybox pod ("box", namespace "client-paths") for the client path tests.</summary>
public sealed class ClientPathsFixture : ServerFixture
{
    public const string Namespace = "client-paths";
    public const string Pod = "box";
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Kubectl.OkAsync("create", "namespace", Namespace);
        await Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{Pod}}, namespace: {{Namespace}}}
            spec:
              containers:
              - name: c
                image: busybox
                command: [sh, -c, "sleep 100000"]
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => Kubectl.RunAsync("get", "pod", Pod, "-n", Namespace, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", "pod box to run", StartTimeout);
    }
}
