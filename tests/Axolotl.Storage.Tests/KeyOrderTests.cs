namespace Axolotl.Storage.Tests;

public sealed class KeyOrderTests
{
    [Theory]
    [InlineData("/pods/default/", "/pods/default0")]
    [InlineData("/pods/", "/pods0")]
    [InlineData("a", "b")]
    [InlineData("a\uD7FF", "a\uE000")]
    [InlineData("a\uFFFF", "a\U00010000")]
    [InlineData("a\U0001F600", "a\U0001F601")]
    [InlineData("a\U0010FFFF", "b")]
    public void The_prefix_end_is_the_next_string_after_every_key_with_the_prefix(string prefix, string end)
    {
        Assert.Equal(end, KeyOrder.PrefixEnd(prefix));
    }

    [Fact]
    public void An_empty_prefix_has_no_end()
    {
        Assert.Null(KeyOrder.PrefixEnd(string.Empty));
        Assert.Null(KeyOrder.PrefixEnd("\U0010FFFF"));
    }

    [Fact]
    public void Keys_compare_by_code_point_like_utf8_bytes()
    {
        string[] keys = ["\U0001F600", "b", "\uE000", "a", "ab", "\u00E9", "\uFFFF"];

        var sorted = keys.Order(KeyOrder.Instance).ToList();
        var byUtf8 = keys.OrderBy(k => Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(k)), StringComparer.Ordinal).ToList();

        Assert.Equal(byUtf8, sorted);
        Assert.Equal(["a", "ab", "b", "\u00E9", "\uE000", "\uFFFF", "\U0001F600"], sorted);
    }
}
