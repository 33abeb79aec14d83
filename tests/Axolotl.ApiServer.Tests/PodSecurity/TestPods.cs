using Axolotl.Api.Core;
using Axolotl.Api.Serialization;

namespace Axolotl.ApiServer.Tests.PodSecurity;

/// <summary>Pods for the Pod Security tests, written as the JSON a user would send.</summary>
internal static class TestPods
{
    /// <summary>A pod from its spec's JSON (and optionally its annotations' JSON).</summary>
    public static Pod FromSpec(string specJson, string annotationsJson = "{}") =>
        KubeJson.Deserialize<Pod>($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","annotations":{{{annotationsJson}}}},"spec":{{{specJson}}}}""")!;

    /// <summary>
    /// The restricted profile's minimal pod: non-root, RuntimeDefault seccomp on the pod, and a container
    /// that drops ALL and forbids privilege escalation. Every level admits it.
    /// </summary>
    public const string RestrictedSpec = """
        {"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
         "containers":[{"name":"app","image":"busybox","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}
        """;

    /// <summary>The Kubernetes docs' example-baseline-pod.yaml: nginx with a container port and nothing else.</summary>
    public const string DocsBaselineSpec = """{"containers":[{"image":"nginx","name":"nginx","ports":[{"containerPort":80}]}]}""";

    /// <summary>The restricted pod with one more container whose securityContext is <paramref name="securityContextJson"/>.</summary>
    public static string RestrictedWith(string securityContextJson) => $$$"""
        {"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
         "containers":[{"name":"app","image":"busybox","securityContext":{{{securityContextJson}}}}]}
        """;
}
