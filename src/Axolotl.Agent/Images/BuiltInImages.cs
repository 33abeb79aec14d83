using System.Text.RegularExpressions;

namespace Axolotl.Agent.Images;

/// <summary>The images the seed scenarios use, standing in for their public originals.</summary>
public static partial class BuiltInImages
{
    public static IReadOnlyList<BuiltInImage> All { get; } =
    [
        // Seed 004: answers 200 to the first five requests, then 500 (luksa's book image).
        new(["docker.io/axolotl/kubia-unhealthy", "docker.io/luksa/kubia-unhealthy"], LatestOnly, "kubia-unhealthy", _ => []),
        new(["docker.io/axolotl/http-hello"], LatestOnly, "http-hello", _ => ["--port", "8080"]),
        new(["docker.io/axolotl/memory-hog"], LatestOnly, "memory-hog", _ => ["--step-mib", "10", "--interval", "1s"]),
        new(["docker.io/axolotl/exit"], LatestOnly, "exit", _ => ["--code", "1", "--after", "1s"]),
        // gRPC health (grpc.health.v1) on :5000 for gRPC probes; --serving-for / --status-file turn it NOT_SERVING.
        new(["docker.io/axolotl/grpc-health"], LatestOnly, "grpc-health", _ => ["--port", "5000"]),

        // Seeds 002/003: a versioned web server on :80 whose Server header names the nginx version.
        new(["docker.io/library/nginx"], NginxTagExists, "http-hello", tag =>
            ["--port", "80", "--server", "nginx/" + NginxVersion(tag), "--title", "Welcome to nginx!"])
        {
            Environment = tag => new Dictionary<string, string> { ["NGINX_VERSION"] = NginxVersion(tag) },
            ExecutableNames = ["nginx", "/usr/sbin/nginx"],
            AliasKeepsDefaultArgs = true,
        },

        // Seed 003: agnhost's subcommands (liveness, netexec, serve-hostname, pause); CMD is pause.
        new(["registry.k8s.io/e2e-test-images/agnhost", "k8s.gcr.io/e2e-test-images/agnhost"], tag => AgnhostTag().IsMatch(tag), "agnhost", _ => ["pause"])
        {
            ExecutableNames = ["/agnhost", "agnhost"],
        },
        new(["registry.k8s.io/goproxy", "k8s.gcr.io/goproxy"], tag => tag is "0.1" or "latest", "http-hello", _ => ["--port", "8080"]),
        new(["registry.k8s.io/pause", "k8s.gcr.io/pause"], tag => PauseTag().IsMatch(tag), "agnhost", _ => ["pause"])
        {
            ExecutableNames = ["/pause"],
        },

        // Seeds 000 and 001 (grade submission, kiamol ch12): BuiltInImages.Scenarios.cs.
        .. ScenarioImages(),
    ];

    private static bool LatestOnly(string tag) => tag == "latest";

    // Released nginx patch levels per 1.x minor, so that a typo such as 1.17.23 fails to pull as
    // it does on Docker Hub while the versions people actually deploy resolve.
    private static readonly Dictionary<int, int> NginxLastPatch = new()
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

    private static bool NginxTagExists(string tag)
    {
        var m = NginxTag().Match(tag);
        if (!m.Success)
        {
            return false;
        }

        if (m.Groups["alias"].Success)
        {
            return true;
        }

        var minor = int.Parse(m.Groups["minor"].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (!NginxLastPatch.TryGetValue(minor, out var lastPatch))
        {
            return false;
        }

        return !m.Groups["patch"].Success
            || int.Parse(m.Groups["patch"].Value, System.Globalization.CultureInfo.InvariantCulture) <= lastPatch;
    }

    private static string NginxVersion(string tag)
    {
        var m = NginxTag().Match(tag);
        if (!m.Success || m.Groups["alias"].Success)
        {
            return tag.StartsWith("stable", StringComparison.Ordinal) ? NginxStable : NginxLatest;
        }

        var minor = int.Parse(m.Groups["minor"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var patch = m.Groups["patch"].Success ? m.Groups["patch"].Value : NginxLastPatch[minor].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"1.{minor}.{patch}";
    }

    [GeneratedRegex(@"^(?:(?<alias>latest|stable|mainline)|1\.(?<minor>\d{1,2})(?:\.(?<patch>\d{1,2}))?)(?:-(?:alpine|perl|alpine-perl|alpine-slim|bookworm|bullseye|buster))?$|^(?<alias>alpine|perl|alpine-slim|bookworm)$")]
    private static partial Regex NginxTag();

    [GeneratedRegex(@"^(?:latest|2\.\d{1,2})$")]
    private static partial Regex AgnhostTag();

    [GeneratedRegex(@"^(?:latest|3\.\d{1,2}|2\.0)$")]
    private static partial Regex PauseTag();
}
