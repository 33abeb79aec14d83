using System.Globalization;

namespace Axolotl.SeedImages;

/// <summary>The public images the seed scenarios and examples run, with the tags each answers to.</summary>
public static class SeedApps
{
    private static readonly string[] Latest = ["latest"];

    // Released nginx patch levels per 1.x minor: a typo such as 1.17.23 is "not found" as on Docker Hub.
    private static readonly SortedDictionary<int, int> NginxLastPatch = new()
    {
        [9] = 15,
        [10] = 3,
        [11] = 13,
        [12] = 2,
        [13] = 12,
        [14] = 2,
        [15] = 12,
        [16] = 1,
        [17] = 10,
        [18] = 0,
        [19] = 10,
        [20] = 2,
        [21] = 6,
        [22] = 1,
        [23] = 4,
        [24] = 0,
        [25] = 5,
        [26] = 3,
        [27] = 5,
    };

    private const string NginxLatest = "1.27.5";
    private const string NginxStable = "1.26.3";

    private static IEnumerable<int> Range(int from, int to) => Enumerable.Range(from, to - from + 1);

    internal static string[] NginxTags()
    {
        var tags = new List<string> { "latest", "mainline", "stable", "alpine", "alpine-slim", "perl", "bookworm", "stable-alpine", "mainline-alpine" };
        foreach (var (minor, last) in NginxLastPatch)
        {
            foreach (var version in Range(0, last).Select(p => $"1.{minor}.{p}").Prepend($"1.{minor}"))
            {
                tags.Add(version);
                tags.Add(version + "-alpine");
            }
        }

        return [.. tags];
    }

    internal static string NginxVersion(string tag)
    {
        var version = tag.Split('-')[0];
        var parts = version.Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var minor))
        {
            return tag.StartsWith("stable", StringComparison.Ordinal) ? NginxStable : NginxLatest;
        }

        return parts.Length == 3 ? version : $"1.{minor}.{NginxLastPatch[minor]}";
    }

    // postgres majors 9.6 to 17 as published: latest, 12, 11.6, 11.6-alpine, 16.4-bookworm, …
    internal static string[] PostgresTags()
    {
        var tags = new List<string> { "latest", "alpine", "bookworm", "bullseye" };
        foreach (var major in Range(10, 17).Select(m => m.ToString(CultureInfo.InvariantCulture)).Prepend("9.6"))
        {
            foreach (var version in Range(0, 9).Select(p => $"{major}.{p}").Prepend(major))
            {
                tags.AddRange([version, version + "-alpine", version + "-bookworm"]);
            }
        }

        return [.. tags];
    }

    // Declared last: static fields initialize in order, and the list uses the tag tables above.
    public static IReadOnlyList<SeedApp> All { get; } =
    [
        // Seed 004: answers 200 to the first five requests, then 500 (luksa's book image).
        new(["docker.io/axolotl/kubia-unhealthy", "docker.io/luksa/kubia-unhealthy"], Latest, "kubia-unhealthy", _ => []),
        new(["docker.io/axolotl/http-hello"], Latest, "http-hello", _ => ["--port", "8080"]),
        new(["docker.io/axolotl/memory-hog"], Latest, "memory-hog", _ => ["--step-mib", "10", "--interval", "1s"]),
        new(["docker.io/axolotl/exit"], Latest, "exit", _ => ["--code", "1", "--after", "1s"]),
        // gRPC health (grpc.health.v1) on :5000 for gRPC probes; --serving-for / --status-file turn it NOT_SERVING.
        new(["docker.io/axolotl/grpc-health"], Latest, "grpc-health", _ => ["--port", "5000"]),
        // Seed 000's Postman runner: N closed-loop clients against a URL, run as a pod or a Job.
        new(["docker.io/axolotl/load"], Latest, "load", _ => []),

        // Seed 003: agnhost's subcommands (liveness, netexec, serve-hostname, pause); CMD is pause.
        new(["registry.k8s.io/e2e-test-images/agnhost", "k8s.gcr.io/e2e-test-images/agnhost"], [.. Range(30, 55).Select(m => $"2.{m}"), "latest"], "agnhost", _ => ["pause"])
        {
            Executables = ["/agnhost"],
        },
        new(["registry.k8s.io/goproxy", "k8s.gcr.io/goproxy"], ["0.1", "latest"], "http-hello", _ => ["--port", "8080"]),
        new(["registry.k8s.io/pause", "k8s.gcr.io/pause"], [.. Range(0, 10).Select(m => $"3.{m}"), "2.0", "latest"], "agnhost", _ => ["pause"])
        {
            Executables = ["/pause"],
        },

        // Seed 000: the stateful grade API on :3000. Its memory is tuned (SampleApps README,
        // "grade-api memory") with a small GC gen0 budget, which only the environment can set.
        new(["docker.io/rslim087/kubernetes-course-grade-submission-api"], ["stateful", "latest"], "grade-api", _ => [])
        {
            // A fixed GC heap limit: otherwise the runtime derives one from the cgroup limit and, with the native
            // reserve filling the cgroup, aborts at start-up (SIGABRT) instead of running until the kernel's OOM kill.
            Environment = _ => new Dictionary<string, string>
            {
                ["DOTNET_GCgen0size"] = "0x100000",
                ["DOTNET_GCHeapHardLimit"] = "0x20000000",
                // No diagnostics IPC: its shared-memory files in the container's private /tmp would be charged to the limit.
                ["DOTNET_EnableDiagnostics"] = "0",
                // No W^X double mapping: its shared-memory view of the JIT's code (~6 MiB of shmem) was charged to the limit too.
                ["DOTNET_EnableWriteXorExecute"] = "0",
                ["NODE_VERSION"] = "18.20.4",
            },
            Executables = ["node", "npm"],
        },
        new(["docker.io/rslim087/kubernetes-course-grade-submission-portal"], ["stateful", "latest"], "grade-portal", _ => [])
        {
            Environment = _ => new Dictionary<string, string> { ["NODE_VERSION"] = "18.20.4" },
            Executables = ["node", "npm"],
        },

        // Seed 001 (kiamol ch12): readiness/liveness, the todo app, memory and CPU limits.
        new(["docker.io/kiamol/ch03-numbers-api"], Latest, "numbers-api", _ => []) { Executables = ["dotnet"] },
        new(["docker.io/kiamol/ch04-todo-list"], Latest, "todo-web", _ => []) { Executables = ["dotnet"] },
        new(["docker.io/kiamol/ch12-memory-allocator"], Latest, "memory-hog", _ => ["--step-mib", "10", "--interval", "5s"]),
        new(["docker.io/kiamol/ch05-pi"], Latest, "pi", _ => ["-m", "web"]) { Executables = ["dotnet"] },
    ];
}
