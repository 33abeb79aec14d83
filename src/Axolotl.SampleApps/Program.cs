using Axolotl.SampleApps.Apps;
using Axolotl.SampleApps.Common;

namespace Axolotl.SampleApps;

/// <summary><c>axolotl-sampleapps &lt;app&gt; [args]</c>: the demo apps behind Axolotl's built-in images.</summary>
public static class Program
{
    private static readonly Dictionary<string, Func<AppArgs, Task<int>>> Apps = new(StringComparer.Ordinal)
    {
        ["kubia-unhealthy"] = KubiaUnhealthy.RunAsync,
        ["http-hello"] = HttpHello.RunAsync,
        ["memory-hog"] = MemoryHog.RunAsync,
        ["exit"] = ExitApp.RunAsync,
        ["agnhost"] = Agnhost.RunAsync,
        ["grpc-health"] = GrpcHealth.RunAsync,
        ["grade-api"] = GradeApi.RunAsync,
        ["load"] = LoadClient.RunAsync,
        ["grade-portal"] = GradePortal.RunAsync,
        ["numbers-api"] = NumbersApi.RunAsync,
        ["todo-web"] = TodoWeb.RunAsync,
        ["pi"] = Pi.RunAsync,
    };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || !Apps.TryGetValue(args[0], out var app))
        {
            Log.Error($"usage: axolotl-sampleapps <app> [args]; apps: {string.Join(", ", Apps.Keys)}");
            return 2;
        }

        try
        {
            return await app(new AppArgs(args[1..]));
        }
        catch (FormatException e)
        {
            Log.Error($"{args[0]}: {e.Message}");
            return 2;
        }
    }
}
