using System.Text.Json;
using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Apiextensions;

namespace Axolotl.Controllers.Autoregister;

/// <summary>
/// The Local APIServices of CustomResourceDefinitions, as upstream's crdregistration controller asks for them:
/// one per served version of each CRD's group, labelled <c>"true"</c> (kept continuously), with a low group
/// priority. A built-in group/version keeps its own APIService.
/// </summary>
public static class CustomResourceApiServices
{
    /// <summary>The APIService names a CRD's versions map to, served or not (what to look at again when it changes).</summary>
    public static IEnumerable<string> Names(CustomResourceDefinition crd)
    {
        var (group, versions) = Read(crd);
        return versions.Select(v => APIService.NameOf(group, v.Name));
    }

    /// <summary>The APIService wanted for <paramref name="name"/> by any CRD, or null when no CRD serves that group/version.</summary>
    public static APIService? Desired(string name, IEnumerable<CustomResourceDefinition> crds)
    {
        foreach (var crd in crds)
        {
            var (group, versions) = Read(crd);
            // The aggregator's own group is never handed to a CRD (upstream's APIServiceAlreadyExists).
            if (group.Length == 0 || group == APIService.Group)
            {
                continue;
            }
            foreach (var (version, served) in versions)
            {
                if (served && APIService.NameOf(group, version) == name)
                {
                    return BuiltInApiServices.Local(group, version, BuiltInApiServices.CustomGroupPriorityMinimum, BuiltInApiServices.CustomVersionPriority,
                        APIService.ManagedContinuously);
                }
            }
        }
        return null;
    }

    private static (string Group, List<(string Name, bool Served)> Versions) Read(CustomResourceDefinition crd)
    {
        var versions = new List<(string, bool)>();
        if (crd.ExtensionData?.GetValueOrDefault("spec") is not { ValueKind: JsonValueKind.Object } spec)
        {
            return ("", versions);
        }
        var group = spec.TryGetProperty("group", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() ?? "" : "";
        if (spec.TryGetProperty("versions", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var version in list.EnumerateArray())
            {
                if (version.ValueKind == JsonValueKind.Object && version.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                {
                    var served = version.TryGetProperty("served", out var s) && s.ValueKind == JsonValueKind.True;
                    versions.Add((n.GetString() ?? "", served));
                }
            }
        }
        return (group, versions);
    }
}
