using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Probes;

/// <summary>Shared steps of the probe tests: apply a pod, read fields with jsonpath, wait for them.</summary>
internal static class ProbeTestKit
{
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    public static Task<string> FieldAsync(ServerFixture fx, string ns, string pod, string path) =>
        fx.Kubectl.OkAsync("get", "pod", pod, "-n", ns, "-o", $"jsonpath={path}");

    public static Task ApplyAsync(ServerFixture fx, string manifest) => fx.Kubectl.OkWithInputAsync(manifest, "apply", "-f", "-");

    public static Task<string> UntilFieldAsync(ServerFixture fx, string ns, string pod, string path, Func<string, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => FieldAsync(fx, ns, pod, path), done, what, timeout ?? Slow);

    public static Task<string> UntilDescribeAsync(ServerFixture fx, string ns, string pod, Func<string, bool> done, string what) =>
        Eventually.UntilAsync(() => fx.Kubectl.OkAsync("describe", "pod", pod, "-n", ns), done, what, Slow);

    public static int Int(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
