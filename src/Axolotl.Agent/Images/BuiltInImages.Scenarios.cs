using System.Text.RegularExpressions;

namespace Axolotl.Agent.Images;

/// <summary>The public images of seeds 000 (grade submission) and 001 (kiamol chapter 12).</summary>
public static partial class BuiltInImages
{
    private static IEnumerable<BuiltInImage> ScenarioImages() =>
    [
        // Seed 000: the stateful grade API on :3000. Its memory is tuned (SampleApps README,
        // "grade-api memory") with a small GC gen0 budget, which only the environment can set.
        new(["docker.io/rslim087/kubernetes-course-grade-submission-api"], tag => tag is "stateful" or "latest", "grade-api", _ => [])
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
            ExecutableNames = ["node", "npm"],
        },
        new(["docker.io/rslim087/kubernetes-course-grade-submission-portal"], tag => tag is "latest" or "stateful", "grade-portal", _ => [])
        {
            Environment = _ => new Dictionary<string, string> { ["NODE_VERSION"] = "18.20.4" },
            ExecutableNames = ["node", "npm"],
        },

        // Seed 001 (kiamol ch12): readiness/liveness, the todo app, memory and CPU limits.
        new(["docker.io/kiamol/ch03-numbers-api"], LatestOnly, "numbers-api", _ => [])
        {
            ExecutableNames = ["dotnet"],
        },
        new(["docker.io/kiamol/ch04-todo-list"], LatestOnly, "todo-web", _ => [])
        {
            ExecutableNames = ["dotnet"],
        },
        new(["docker.io/library/postgres"], tag => PostgresTag().IsMatch(tag), "todo-db", _ => [])
        {
            Environment = tag => new Dictionary<string, string> { ["PG_MAJOR"] = PostgresMajor(tag), ["PGDATA"] = "/var/lib/postgresql/data" },
            ExecutableNames = ["postgres", "docker-entrypoint.sh", "/usr/local/bin/docker-entrypoint.sh"],
            Tools = new Dictionary<string, string> { ["pg_isready"] = "pg-isready", ["/usr/local/bin/pg_isready"] = "pg-isready" },
        },
        new(["docker.io/kiamol/ch12-memory-allocator"], LatestOnly, "memory-hog", _ => ["--step-mib", "10", "--interval", "5s"]),
        new(["docker.io/kiamol/ch05-pi"], LatestOnly, "pi", _ => ["-m", "web"])
        {
            ExecutableNames = ["dotnet"],
        },

        // Seed 000's Postman runner: N closed-loop clients against a URL, run as a pod or a Job.
        new(["docker.io/axolotl/load"], LatestOnly, "load", _ => []),
    ];

    // postgres majors 9.x to 17 as published (11.6-alpine, 12, 13.4-bullseye, latest, alpine).
    private static string PostgresMajor(string tag)
    {
        var m = PostgresTag().Match(tag);
        return m.Groups["major"].Success ? m.Groups["major"].Value : "17";
    }

    [GeneratedRegex(@"^(?:(?:latest|alpine|bookworm|bullseye)|(?<major>9\.[3-6]|1[0-7])(?:\.\d{1,2})?(?:-(?:alpine(?:3\.\d{1,2})?|bookworm|bullseye|buster|stretch))?)$")]
    private static partial Regex PostgresTag();
}
