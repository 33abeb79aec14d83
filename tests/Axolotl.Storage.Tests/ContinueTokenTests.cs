namespace Axolotl.Storage.Tests;

public sealed class ContinueTokenTests
{
    [Fact]
    public void A_token_round_trips_its_revision_and_last_key()
    {
        var token = new ContinueToken(42, "/pods/ns/web-1").Encode();

        Assert.Equal(new ContinueToken(42, "/pods/ns/web-1"), ContinueToken.Decode(token, "/pods/ns/"));
        Assert.DoesNotContain('=', token);
        Assert.DoesNotContain('/', token);
    }

    [Theory]
    [InlineData(0, "/pods/ns/a", "/pods/ns/")]
    [InlineData(-3, "/pods/ns/a", "/pods/ns/")]
    [InlineData(5, "/pods/other/a", "/pods/ns/")]
    [InlineData(5, "/pods/ns/", "/pods/ns/")]
    public void A_token_with_a_bad_revision_or_a_key_outside_the_prefix_is_invalid(long revision, string key, string prefix)
    {
        var token = new ContinueToken(revision, key).Encode();

        Assert.Throws<InvalidContinueTokenException>(() => ContinueToken.Decode(token, prefix));
    }
}
