using System.Security.Cryptography;
using System.Text;

namespace Axolotl.Images.Oci;

/// <summary>
/// Chain IDs (image-spec config.md): a layer's identity with everything below it, so one unpacked
/// snapshot serves every image that shares the same stack. ChainID(L0) = DiffID(L0);
/// ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)).
/// </summary>
public static class ChainIds
{
    public static IReadOnlyList<string> Of(IReadOnlyList<string> diffIds)
    {
        var chain = new List<string>(diffIds.Count);
        foreach (var diffId in diffIds)
        {
            chain.Add(chain.Count == 0 ? diffId : Digests.FromHash(SHA256.HashData(Encoding.ASCII.GetBytes(chain[^1] + " " + diffId))));
        }

        return chain;
    }
}
