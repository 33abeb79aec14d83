using System.Globalization;
using System.Text;

namespace Axolotl.Bench.Infrastructure;

/// <summary>
/// The pod the benchmark creates: small but realistic (labels, one container with a port, requests and
/// limits, env, a readiness probe), about 700 bytes of JSON, built before the clock starts.
/// </summary>
internal static class PodManifests
{
    public static string Name(int index) => "bench-" + index.ToString("D6", CultureInfo.InvariantCulture);

    public static byte[] Pod(string ns, string name) => Encoding.UTF8.GetBytes($$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}",
        "labels":{"app":"bench","tier":"web","release":"stable"},"annotations":{"bench.axolotl.dev/purpose":"latency"}},
        "spec":{"restartPolicy":"Always","terminationGracePeriodSeconds":30,"containers":[{"name":"web","image":"nginx:1.25",
        "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],"env":[{"name":"MODE","value":"bench"}],
        "resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"500m","memory":"128Mi"}},
        "readinessProbe":{"httpGet":{"path":"/","port":80},"periodSeconds":10}}]}}
        """.ReplaceLineEndings(""));

    public static byte[] Namespace(string name) =>
        Encoding.UTF8.GetBytes($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}"}}""");

    public static string PodsPath(string ns) => $"/api/v1/namespaces/{ns}/pods";
}
