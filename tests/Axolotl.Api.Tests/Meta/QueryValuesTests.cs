using Axolotl.Api.Meta;

namespace Axolotl.Api.Tests.Meta;

public sealed class QueryValuesTests
{
    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("TRUE")]
    [InlineData("1")]
    [InlineData("t")]
    [InlineData("T")]
    [InlineData("")]
    [InlineData("yes")]
    public void Every_value_but_false_and_0_is_true_as_kube_apiserver_converts_it(string value) =>
        Assert.True(QueryValues.Bool(value));

    [Theory]
    [InlineData("false")]
    [InlineData("False")]
    [InlineData("FALSE")]
    [InlineData("fAlSe")]
    [InlineData("0")]
    public void False_in_any_case_and_0_are_false(string value) => Assert.False(QueryValues.Bool(value));

    [Fact]
    public void An_absent_boolean_is_false_and_an_absent_pointer_boolean_stays_unset()
    {
        Assert.False(QueryValues.Bool(null));
        Assert.Null(QueryValues.OptionalBool(null));
        Assert.True(QueryValues.OptionalBool("True"));
        Assert.False(QueryValues.OptionalBool("False"));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("TRUE", true)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("FALSE", false)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public void GoParseBool_accepts_exactly_Gos_spellings(string value, bool expected) =>
        Assert.Equal(expected, QueryValues.GoParseBool(value));

    [Theory]
    [InlineData("tRUE")]
    [InlineData("yes")]
    [InlineData("")]
    [InlineData(" true")]
    [InlineData(null)]
    public void GoParseBool_refuses_anything_else(string? value) => Assert.Null(QueryValues.GoParseBool(value));

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("500", 500L)]
    [InlineData("+7", 7L)]
    [InlineData("-3", -3L)]
    [InlineData("007", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Integers_parse_as_Gos_ParseInt_base_10(string value, long expected)
    {
        Assert.True(QueryValues.TryParseInt64(value, out var parsed, out var error));
        Assert.Equal(expected, parsed);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("", "strconv.ParseInt: parsing \"\": invalid syntax")]
    [InlineData("ten", "strconv.ParseInt: parsing \"ten\": invalid syntax")]
    [InlineData("1.5", "strconv.ParseInt: parsing \"1.5\": invalid syntax")]
    [InlineData(" 1", "strconv.ParseInt: parsing \" 1\": invalid syntax")]
    [InlineData("1_000", "strconv.ParseInt: parsing \"1_000\": invalid syntax")]
    [InlineData("0x10", "strconv.ParseInt: parsing \"0x10\": invalid syntax")]
    [InlineData("+", "strconv.ParseInt: parsing \"+\": invalid syntax")]
    [InlineData("١٢", "strconv.ParseInt: parsing \"١٢\": invalid syntax")]
    [InlineData("a\"b\n", "strconv.ParseInt: parsing \"a\\\"b\\n\": invalid syntax")]
    [InlineData("9223372036854775808", "strconv.ParseInt: parsing \"9223372036854775808\": value out of range")]
    [InlineData("-99999999999999999999", "strconv.ParseInt: parsing \"-99999999999999999999\": value out of range")]
    public void Anything_else_is_refused_with_Gos_message(string value, string message)
    {
        Assert.False(QueryValues.TryParseInt64(value, out _, out var error));
        Assert.Equal(message, error);
    }
}
