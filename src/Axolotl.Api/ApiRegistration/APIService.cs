using System.ComponentModel;
using Axolotl.Api.Meta;

namespace Axolotl.Api.ApiRegistration;

/// <summary>
/// apiregistration.k8s.io/v1 APIService (cluster-scoped): who serves one group/version, named
/// "&lt;version&gt;.&lt;group&gt;" ("v1." for the legacy core group). Without a service it is Local: this
/// server answers the group/version itself.
/// </summary>
[Description("APIService represents a server for a particular GroupVersion. Name must be \"version.group\".")]
public sealed class APIService : KubeObject<APIServiceSpec, APIServiceStatus>
{
    public const string Group = "apiregistration.k8s.io";

    /// <summary>The label the autoregistration controller puts on the APIServices it keeps.</summary>
    public const string AutomanagedLabel = "kube-aggregator.kubernetes.io/automanaged";

    /// <summary><see cref="AutomanagedLabel"/>: synced once when the controller starts (the built-in group/versions).</summary>
    public const string ManagedOnStart = "onstart";

    /// <summary><see cref="AutomanagedLabel"/>: synced continuously (the CustomResourceDefinitions' versions).</summary>
    public const string ManagedContinuously = "true";

    /// <summary>The APIService name of a group/version: "v1.apps", and "v1." for the legacy core group.</summary>
    public static string NameOf(string group, string version) => version + "." + group;
}
