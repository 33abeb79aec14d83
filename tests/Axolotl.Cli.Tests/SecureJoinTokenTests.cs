using System.Security.Cryptography;
using System.Text;
using Axolotl.ApiServer.Security;

namespace Axolotl.Cli.Tests;

/// <summary>k3s's secure token K10&lt;sha256 of the CA&gt;::&lt;token&gt;: what parses, what is refused and why, without echoing the secret.</summary>
public sealed class SecureJoinTokenTests
{
    private const string Ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    private static readonly string CaHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Ca)));

    [Fact]
    public void A_printed_token_parses_back_to_the_join_token_and_the_hash_of_the_ca()
    {
        var printed = SecureJoinToken.For(Ca, new JoinToken("abcdef", "0123456789abcdef")).ToString();

        Assert.True(SecureJoinToken.TryParse(printed, out var token, out var hash, out var error), error);
        Assert.Equal($"K10{CaHash}::abcdef.0123456789abcdef", printed);
        Assert.Equal("abcdef.0123456789abcdef", token.ToString());
        Assert.Equal(CaHash, hash);
        Assert.True(new SecureJoinToken(hash!, token).Pins(Encoding.UTF8.GetBytes(Ca)));
        Assert.False(new SecureJoinToken(hash!, token).Pins(Encoding.UTF8.GetBytes(Ca + "\n")));
    }

    [Fact]
    public void A_bare_join_token_parses_without_a_hash()
    {
        Assert.True(SecureJoinToken.TryParse(" abcdef.0123456789abcdef\n", out var token, out var hash, out _));
        Assert.Equal("abcdef", token.Id);
        Assert.Null(hash);
    }

    [Fact]
    public void An_upper_case_hash_is_the_same_hash()
    {
        Assert.True(SecureJoinToken.TryParse($"K10{CaHash.ToUpperInvariant()}::abcdef.0123456789abcdef", out _, out var hash, out _));
        Assert.Equal(CaHash, hash);
    }

    [Theory]
    [InlineData("K10{0}qwerty.zyxwvutsrqponmlk", "has no \"::\"")]
    [InlineData("K10sha256:{0}::qwerty.zyxwvutsrqponmlk", "no algorithm prefix such as kubeadm's sha256:")]
    [InlineData("K10{1}::qwerty.zyxwvutsrqponmlk", "the CA hash has 40 hex digits (160 bits: not SHA-256); want 64")]
    [InlineData("K10{2}::qwerty.zyxwvutsrqponmlk", "the CA hash has 128 hex digits (512 bits: not SHA-256); want 64")]
    [InlineData("K10{0}0::qwerty.zyxwvutsrqponmlk", "the CA hash has 65 hex digits; want 64")]
    [InlineData("K10::qwerty.zyxwvutsrqponmlk", "the CA hash has 0 hex digits; want 64")]
    [InlineData("K10{3}::qwerty.zyxwvutsrqponmlk", "the CA hash is not hexadecimal")]
    [InlineData("K10{0}::server:s3cr3tpassw0rd", "the part after \"::\" is not a join token")]
    [InlineData("K10{0}::QWERTY.ZYXWVUTSRQPONMLK", "the part after \"::\" is not a join token")]
    [InlineData("K10{0}::qwerty.zyxwvutsrqponmlk\u0000", "the part after \"::\" is not a join token")]
    [InlineData("{0}::qwerty.zyxwvutsrqponmlk", "a token with a CA hash starts with K10")]
    [InlineData("s3cr3tpassw0rd", "want the token the server prints")]
    [InlineData("", "want the token the server prints")]
    public void A_garbled_token_is_refused_with_the_reason_and_without_its_secret(string template, string reason)
    {
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, CaHash, new string('a', 40), new string('b', 128), new string('z', 64));

        Assert.False(SecureJoinToken.TryParse(text, out _, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain("zyxwvutsrqponmlk", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cr3t", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_token_is_refused_without_being_quoted()
    {
        var huge = "K10" + new string('f', 1_000_000) + "::abcdef.0123456789abcdef";

        Assert.False(SecureJoinToken.TryParse(huge, out _, out _, out var error));
        Assert.True(error!.Length < 200, error);
    }
}
