using System.Text.Json.Nodes;

namespace Axolotl.Cel.Tests;

/// <summary>
/// <c>&lt;string&gt;.format(&lt;list&gt;)</c> of cel-go's strings extension (version 2, which Kubernetes 1.32 enables): each
/// clause's output as cel-go prints it, its errors at run time, and the checks its validator makes at compile time.
/// </summary>
public sealed class StringFormatTests
{
    [Theory]
    [InlineData("'no substitution'.format([])", "no substitution")]
    [InlineData("'str is %s and some more'.format(['filler'])", "str is filler and some more")]
    [InlineData("'%% and also %%'.format([])", "% and also %")]
    [InlineData("'%%%s%%'.format(['text'])", "%text%")]
    [InlineData("'%d %d %d, %s %s %s'.format([1, 2, 3, 'A', 'B', 'C'])", "1 2 3, A B C")]
    [InlineData("'%.3f'.format([1.2345])", "1.234")]
    [InlineData("'%.3f'.format([3.14])", "3.140")]
    [InlineData("'%f'.format([2.71828])", "2.718280")]
    [InlineData("'%.2f'.format([1234567.891])", "1,234,567.89")]
    [InlineData("'%.0f'.format([2.5])", "2")]
    [InlineData("'%.0f'.format([3.5])", "4")]
    [InlineData("'%.1f'.format([-0.25])", "-0.2")]
    [InlineData("'%f'.format(['NaN'])", "NaN")]
    [InlineData("'%f'.format(['Infinity'])", "∞")]
    [InlineData("'%f'.format(['-Infinity'])", "-∞")]
    [InlineData("'%e'.format([2.71828])", "2.718280\u202f×\u202f10⁰⁰")]
    [InlineData("'%.6e'.format([1052.032911275])", "1.052033\u202f×\u202f10⁰³")]
    [InlineData("'%.2e'.format([0.000125])", "1.250000\u202f×\u202f10⁻⁰⁴")]
    [InlineData("'%e'.format([-9.9999999])", "-1.000000\u202f×\u202f10⁰¹")]
    [InlineData("'this is 5 in binary: %b'.format([5])", "this is 5 in binary: 101")]
    [InlineData("'%b'.format([-5])", "-101")]
    [InlineData("'unsigned 64 in binary: %b'.format([uint(64)])", "unsigned 64 in binary: 1000000")]
    [InlineData("'bit set from bool: %b'.format([true])", "bit set from bool: 1")]
    [InlineData("'%o'.format([11])", "13")]
    [InlineData("'%o'.format([uint(65535)])", "177777")]
    [InlineData("'%x is 20 in hexadecimal'.format([30])", "1e is 20 in hexadecimal")]
    [InlineData("'%X'.format([30])", "1E")]
    [InlineData("'%x'.format([-30])", "-1e")]
    [InlineData("'%x'.format([-9223372036854775808])", "-8000000000000000")]
    [InlineData("'%X'.format([uint(6000)])", "1770")]
    [InlineData("'%x'.format(['Hello world!'])", "48656c6c6f20776f726c6421")]
    [InlineData("'%X'.format([b'byte string'])", "6279746520737472696E67")]
    [InlineData("'%d'.format([uint(64)])", "64")]
    [InlineData("'null: %s'.format([null])", "null: null")]
    [InlineData("'%s'.format([999999999999])", "999999999999")]
    [InlineData("'some bytes: %s'.format([b'xyz'])", "some bytes: xyz")]
    [InlineData("'type is %s'.format([type('test string')])", "type is string")]
    [InlineData("'%s'.format([timestamp('2023-02-03T23:31:20+00:00')])", "2023-02-03T23:31:20Z")]
    [InlineData("'%s'.format([duration('1h45m47s')])", "6347s")]
    [InlineData("'%s'.format([64.2])", "64.2")]
    [InlineData("'%s'.format([1000000.0])", "1e+06")]
    [InlineData("'true bool: %s, false bool: %s'.format([true, false])", "true bool: true, false bool: false")]
    [InlineData("'%s'.format([['abc', 3.14, null, [9, 8, 7, 6], timestamp('2023-02-03T23:31:20Z')]])",
        "[\"abc\", 3.140000, null, [9, 8, 7, 6], timestamp(\"2023-02-03T23:31:20Z\")]")]
    [InlineData("'%s'.format([{'key1': b'xyz', 'key5': null, 'key2': duration('2h'), 'key4': true, 'key3': 2.71828}])",
        "{\"key1\":b\"xyz\", \"key2\":duration(\"7200s\"), \"key3\":2.718280, \"key4\":true, \"key5\":null}")]
    [InlineData("'map with multiple key types: %s'.format([{1: 'value1', uint(2): 'value2', true: double('NaN')}])",
        "map with multiple key types: {1:\"value1\", 2:\"value2\", true:\"NaN\"}")]
    [InlineData("'%s'.format([['tab\\there', 'quote\"', 'nbsp\\u00a0']])", "[\"tab\\there\", \"quote\\\"\", \"nbsp\\u00a0\"]")]
    [InlineData("strings.quote('%s %s').format(['hello', 'world'])", "\"hello world\"")]
    public void Each_clause_prints_as_cel_go_prints_it(string expression, string expected)
    {
        Assert.Equal(JsonValue.Create(expected).ToJsonString(), Cel.Json(expression));
    }

    [Theory]
    [InlineData("string(1000000.0)", "1e+06")]
    [InlineData("string(123456.5)", "123456.5")]
    [InlineData("string(0.0001)", "0.0001")]
    [InlineData("string(0.00001)", "1e-05")]
    [InlineData("string(1.5e300)", "1.5e+300")]
    [InlineData("string(-2.0)", "-2")]
    public void A_double_converts_to_a_string_as_gos_g_verb_prints_it(string expression, string expected)
    {
        Assert.Equal(JsonValue.Create(expected).ToJsonString(), Cel.Json(expression));
    }

    [Theory]
    [InlineData("'%d %d %d'.format(dyn([0, 1]))", "index 2 out of range")]
    [InlineData("'string is %b'.format(dyn(['abc']))", "error during formatting: only integers and bools can be formatted as binary, was given string")]
    [InlineData("'%d'.format(dyn([duration('30m2s')]))", "error during formatting: decimal clause can only be used on integers, was given google.protobuf.Duration")]
    [InlineData("'%a'.format(dyn([1]))", "could not parse formatting clause: unrecognized formatting clause \"a\"")]
    [InlineData("'%f'.format(dyn(['pi']))", "error during formatting: fixed-point clause can only be used on doubles, was given string")]
    [InlineData("'%s'.format(dyn([optional.of(1)]))", "error during formatting: string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given optional_type")]
    [InlineData("'%.1001f'.format(dyn([1.0]))", "could not parse formatting clause: error while parsing precision: precision 1001 is larger than 1000")]
    [InlineData("'50%'.format(dyn([1]))", "unexpected end of string")]
    public void A_bad_clause_or_argument_is_an_evaluation_error(string expression, string expected)
    {
        Assert.Contains(expected, Cel.Error(expression), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'%d'.format(['a'])", "1:14: error during formatting: decimal clause can only be used on integers, was given string")]
    [InlineData("'%s %s'.format([1])", "1:15: index 1 out of range")]
    [InlineData("'%s'.format([1, 2])", "1:12: too many arguments supplied to string.format (expected 1, got 2)")]
    [InlineData("'%q'.format([1])", "1:12: could not parse formatting clause: unrecognized formatting clause \"q\"")]
    [InlineData("'%s'.format([[1, optional.of(2)]])", "1:29: error during formatting: string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given optional_type")]
    public void A_literal_format_call_is_checked_when_it_compiles(string expression, string expected)
    {
        var result = CelEnvironment.Create().Compile(expression);

        Assert.False(result.Success);
        Assert.Contains("ERROR: <input>:" + expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Literals_given_to_format_may_mix_types_where_elsewhere_they_may_not()
    {
        Assert.True(CelEnvironment.Create().Compile("'%s %d %s'.format(['a', 1, {'k': [1, 'x']}]) != ''").Success);

        var mixed = CelEnvironment.Create().Compile("size(['a', 1]) == 2");
        Assert.False(mixed.Success);
        Assert.Contains("expected type 'string' but found 'int'", mixed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_resource_rule_can_build_its_message_with_format()
    {
        var result = Cel.Rule("'replicas %d of %d'.format([self.replicas, self.max]) == 'replicas 3 of 5'", """{"replicas": 3, "max": 5}""");

        Assert.True(result.Success, result.Error);
        Assert.Equal(true, result.Value);
    }
}
