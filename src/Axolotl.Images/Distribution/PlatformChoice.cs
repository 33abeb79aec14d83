using System.Runtime.InteropServices;
using Axolotl.Images.Oci;

namespace Axolotl.Images.Distribution;

/// <summary>
/// Which manifest of an index this node runs, as containerd's platform matcher picks it: linux on
/// this node's architecture, else an entry without a platform; otherwise an error naming what the
/// index offers.
/// </summary>
public static class PlatformChoice
{
    /// <summary>This node's architecture, as image indexes name it.</summary>
    public static string Architecture { get; } = RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        System.Runtime.InteropServices.Architecture.Arm => "arm",
        System.Runtime.InteropServices.Architecture.S390x => "s390x",
        System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
        _ => "amd64",
    };

    public static OciDescriptor Choose(OciIndex index, string canonical)
    {
        var manifests = index.Manifests ?? [];
        var match = manifests.FirstOrDefault(m => m.Platform is { Os: "linux" } p && p.Architecture == Architecture && Digests.IsValid(m.Digest))
            ?? manifests.FirstOrDefault(m => m.Platform is null && Digests.IsValid(m.Digest) && OciMediaTypes.IsManifest(m.MediaType));
        if (match is not null)
        {
            return match;
        }

        var available = string.Join(", ", manifests.Select(m => m.Platform?.ToString() ?? "unknown").Distinct(StringComparer.Ordinal));
        throw new ImagePullException(
            $"no match for platform in manifest: not found (this node is linux/{Architecture}; \"{canonical}\" has {(available.Length == 0 ? "no manifests" : available)})",
            ImagePullFailure.Platform);
    }
}
