using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Axolotl.Images.Oci;

/// <summary>
/// Content digests. Only sha256 is accepted (every registry serves it; sha512 is optional in the
/// spec and unused in practice), and only in its canonical lower-case form, because a digest also
/// names a file in the content store: anything else could be a path.
/// </summary>
public static partial class Digests
{
    public const string Sha256Prefix = "sha256:";

    public static bool IsValid([NotNullWhen(true)] string? digest) => digest is not null && Sha256Pattern().IsMatch(digest);

    /// <summary>The hex part of a valid digest; throws for anything else.</summary>
    public static string Hex(string digest) =>
        IsValid(digest) ? digest[Sha256Prefix.Length..] : throw new FormatException($"invalid digest \"{digest}\"");

    public static string Of(ReadOnlySpan<byte> content) => Sha256Prefix + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string FromHash(byte[] sha256) => Sha256Prefix + Convert.ToHexStringLower(sha256);

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
