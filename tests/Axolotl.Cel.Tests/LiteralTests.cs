namespace Axolotl.Cel.Tests;

/// <summary>String and bytes literals as the CEL spec's lexis writes them: every escape, raw and triple-quoted strings.</summary>
public sealed class LiteralTests
{
    [Theory]
    [InlineData("""'\\' == '\u005c'""")]
    [InlineData("""'\"\'\`\?' == '"' + "'" + '`' + '?'""")]
    [InlineData("""'\a\b\f\n\r\t\v' == '\x07\x08\x0c\x0a\x0d\x09\x0b'""")]
    [InlineData("""'\x41\X42' == 'AB'""")]
    [InlineData("""'\101\102\000'.size() == 3 && '\101\102' == 'AB'""")]
    [InlineData("""'\u00e9' == 'é' && '\U0001F600' == '😀' && '\U0001F600'.size() == 1""")]
    [InlineData("""r'\n\d' == '\\n\\d' && R"\x41" == '\\x41'""")]
    [InlineData("""'''a'b"c''' == 'a\'b"c'""")]
    [InlineData("\"\"\"x'''y\"\"\" == 'x\\'\\'\\'y'")]
    [InlineData("'''line\ntwo'''.contains('\\n')")]
    [InlineData("""r'''\d+'x''' == '\\d+\'x'""")]
    [InlineData("""b'\xff'.size() == 1 && b'ÿ'.size() == 2 && 'ÿ'.size() == 1 && b'\377' == b'\xff'""")]
    [InlineData("""rb'\x41' == b'\\x41' && BR'a' == b'a'""")]
    // The Gateway API standard-install's raw triple-quoted patterns (v1.2.1 and v1.6.1).
    [InlineData(""""'*.example.com'.matches(r"""^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$""") && !'a..b'.matches(r"""^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$""")"""")]
    [InlineData(""""'Grpc.Health.V1'.matches(r"""^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$""") && !'a-b'.matches(r"""^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$""")"""")]
    public void Every_escape_decodes_as_the_CEL_spec_says(string expression)
    {
        Assert.Equal("true", Cel.Json(expression));
    }

    [Theory]
    [InlineData("""'\8'""")]
    [InlineData("""'\q'""")]
    [InlineData("""'\x4'""")]
    [InlineData("""'\ud800'""")]
    [InlineData("""b'\u0041'""")]
    [InlineData("""'unterminated""")]
    [InlineData("'new\nline'")]
    public void A_malformed_literal_is_a_syntax_error(string expression)
    {
        Assert.False(CelEnvironment.Create().Compile(expression).Success);
    }

    [Theory]
    // The Gateway API v1.6.1 standard-install's hostname rule: an escaped backslash ahead of a regex's dot.
    [InlineData("""["foo.example.com", "*.example.com"]""", true)]
    [InlineData("""["foo..example.com"]""", false)]
    [InlineData("""["foo_bar"]""", false)]
    public void A_backslash_escape_inside_a_regex_reaches_the_regex_engine_as_one_backslash(string hostnames, bool valid)
    {
        const string rule = """self.all(h, !h.contains('*') ? h.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$') : true)""";

        var result = Cel.Rule(rule, hostnames);

        Assert.True(result.Success, result.Error);
        Assert.Equal(valid, result.Value);
    }
}
