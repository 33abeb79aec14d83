using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Security;

/// <summary>Pods for the security tests: each runs a shell script and reports through its log, then sleeps.</summary>
internal static class SecurityPods
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Applies a busybox pod running <paramref name="script"/> (then sleeping) with the given spec additions, and returns its log once it printed "done".</summary>
    public static async Task<string> RunAsync(ServerFixture fx, string ns, string name, string script, string podSpecExtra = "", string containerExtra = "")
    {
        var indentedScript = script.Replace("'", "''", StringComparison.Ordinal);
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}, namespace: {{ns}}}
            spec:
            {{Indent(podSpecExtra, 2)}}
              containers:
              - name: app
                image: busybox
                command: ["sh", "-c", '{{indentedScript}}; echo done; sleep 3600']
            {{Indent(containerExtra, 4)}}
            """, "apply", "-f", "-");
        var log = "";
        await Eventually.UntilAsync(async () =>
            {
                var r = await fx.Kubectl.RunAsync("logs", name, "-n", ns);
                log = r.Stdout;
                return r;
            }, r => r.ExitCode == 0 && r.Stdout.Contains("done", StringComparison.Ordinal), $"pod {name} to report", StartTimeout);
        return log;
    }

    public static string Field(string log, string key) =>
        log.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?[key.Length..].Trim()
        ?? throw new Xunit.Sdk.XunitException($"no line {key} in:\n{log}");

    /// <summary>The bounding set of this (the test's, root) process: what a privileged container gets.</summary>
    public static string HostBoundingSet() =>
        File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("CapBnd:", StringComparison.Ordinal))[7..].Trim();

    private static string Indent(string text, int spaces)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var pad = new string(' ', spaces);
        return string.Join('\n', text.Trim('\n').Split('\n').Select(l => pad + l));
    }
}
