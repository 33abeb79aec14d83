using System.Globalization;
using System.Text.RegularExpressions;

namespace Axolotl.Api.Apiextensions.Definitions;

/// <summary>
/// kube-apiserver's version ordering (CompareKubeAwareVersionStrings): v2 before v1 before v1beta2 before
/// v1beta1 before v1alpha1, and names that are no Kubernetes version last, alphabetically.
/// </summary>
public static partial class VersionPriority
{
    public static (int Rank, long Major, long Minor, string Name) Key(string version)
    {
        var m = KubeVersion().Match(version);
        if (!m.Success)
        {
            return (3, 0, 0, version);
        }
        var major = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var rank = m.Groups[2].Value switch { "" => 0, "beta" => 1, _ => 2 };
        var minor = m.Groups[3].Value.Length > 0 ? long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return (rank, -major, -minor, version);
    }

    [GeneratedRegex(@"^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$")]
    private static partial Regex KubeVersion();
}
