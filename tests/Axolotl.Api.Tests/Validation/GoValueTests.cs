using Axolotl.Api.Meta;
using Axolotl.Api.Validation;

namespace Axolotl.Api.Tests.Validation;

public class GoValueTests
{
    [Theory]
    [InlineData("sh -c exit 1", "\"sh -c exit 1\"")]
    [InlineData("say \"hi\"\n", "\"say \\\"hi\\\"\\n\"")]
    [InlineData("back\\slash\ttab", "\"back\\\\slash\\ttab\"")]
    [InlineData("ünïcode", "\"ünïcode\"")]
    [InlineData("bell\a", "\"bell\\a\"")]
    [InlineData("nul\0", "\"nul\\x00\"")]
    [InlineData("no\u00a0break", "\"no\\u00a0break\"")]
    [InlineData("zero\u200bwidth", "\"zero\\u200bwidth\"")]
    public void QuotingFollowsGosStrconvQuote(string text, string quoted) =>
        Assert.Equal(quoted, GoValue.Quote(text));
}
