namespace Axolotl.Cel.Tests;

/// <summary>The Kubernetes CEL libraries beyond the standard definitions: strings, lists, regex, optional.</summary>
public sealed class LibraryTests
{
    [Theory]
    [InlineData("'Hello'.lowerAscii()", "\"hello\"")]
    [InlineData("'Hello'.upperAscii()", "\"HELLO\"")]
    [InlineData("'a,b,c'.split(',')", "[\"a\",\"b\",\"c\"]")]
    [InlineData("'a,b,c'.split(',', 2)", "[\"a\",\"b,c\"]")]
    [InlineData("['a', 'b'].join('-')", "\"a-b\"")]
    [InlineData("'  x  '.trim()", "\"x\"")]
    [InlineData("'hello'.substring(1, 3)", "\"el\"")]
    [InlineData("'hello'.charAt(1)", "\"e\"")]
    [InlineData("'hello'.indexOf('l')", "2")]
    [InlineData("'hello'.lastIndexOf('l')", "3")]
    [InlineData("'aaa'.replace('a', 'b', 2)", "\"bba\"")]
    [InlineData("'héllo'.size()", "5")]
    [InlineData("[1, 2, 3].isSorted()", "true")]
    [InlineData("[3, 1].isSorted()", "false")]
    [InlineData("[1, 2, 3].sum()", "6")]
    [InlineData("[1.5, 2.5].sum()", "4")]
    [InlineData("[3, 1, 2].min()", "1")]
    [InlineData("[3, 1, 2].max()", "3")]
    [InlineData("[1, 2, 1].indexOf(1)", "0")]
    [InlineData("[1, 2, 1].lastIndexOf(1)", "2")]
    [InlineData("'abc 123 def 456'.find('[0-9]+')", "\"123\"")]
    [InlineData("'abc 123 def 456'.findAll('[0-9]+')", "[\"123\",\"456\"]")]
    [InlineData("'abc 123 def 456'.findAll('[0-9]+', 1)", "[\"123\"]")]
    [InlineData("optional.of(1).hasValue()", "true")]
    [InlineData("optional.none().orValue(7)", "7")]
    [InlineData("{'a': 1}[?'b'].hasValue()", "false")]
    [InlineData("[?optional.none(), ?optional.of(2)]", "[2]")]
    [InlineData("cel.bind(x, 2, x * x)", "4")]
    [InlineData("duration('1h30m').getMinutes()", "90")]
    [InlineData("timestamp('2024-02-29T12:00:00Z').getMonth()", "1")]
    [InlineData("string(timestamp('2024-02-29T12:00:00Z') + duration('36h'))", "\"2024-03-02T00:00:00Z\"")]
    [InlineData("int('42') + 1", "43")]
    [InlineData("dyn(1) == 1.0 && dyn(1u) == 1", "true")]
    [InlineData("dyn({1: 'a'})[1u]", "\"a\"")]
    [InlineData("quantity('1Gi').isGreaterThan(quantity('1000M'))", "true")]
    [InlineData("quantity('500m').isLessThan(quantity('1'))", "true")]
    [InlineData("quantity('2k').asInteger()", "2000")]
    [InlineData("quantity('1.5').isInteger()", "false")]
    [InlineData("quantity('1Mi').add(quantity('1Ki')).asInteger()", "1049600")]
    [InlineData("quantity('1Gi') == quantity('1073741824')", "true")]
    [InlineData("isQuantity('1Zi')", "false")]
    [InlineData("url('https://example.com:8443/a/b?x=1&x=2').getHost()", "\"example.com:8443\"")]
    [InlineData("url('https://example.com:8443/a/b').getHostname()", "\"example.com\"")]
    [InlineData("url('https://example.com:8443/a/b').getPort()", "\"8443\"")]
    [InlineData("url('https://example.com/a/b').getScheme()", "\"https\"")]
    [InlineData("url('https://example.com/a/b').getEscapedPath()", "\"/a/b\"")]
    [InlineData("url('https://example.com/?x=1&x=2&y=3').getQuery()", "{\"x\":[\"1\",\"2\"],\"y\":[\"3\"]}")]
    [InlineData("isURL('not a url')", "false")]
    [InlineData("ip('10.0.0.1').family()", "4")]
    [InlineData("ip('::1').isLoopback()", "true")]
    [InlineData("isIP('::ffff:1.2.3.4') || isIP('010.0.0.1') || isIP('fe80::1%eth0')", "false")]
    [InlineData("cidr('10.0.0.0/8').containsIP(ip('10.1.2.3'))", "true")]
    [InlineData("cidr('10.0.0.0/8').containsIP('11.0.0.1')", "false")]
    [InlineData("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", "true")]
    [InlineData("string(cidr('192.168.0.1/24').ip())", "\"192.168.0.1\"")]
    [InlineData("string(cidr('192.168.0.1/24').masked())", "\"192.168.0.0/24\"")]
    [InlineData("cidr('192.168.0.0/24').prefixLength()", "24")]
    [InlineData("ip('8.8.8.8').isGlobalUnicast()", "true")]
    [InlineData("[2, 4, 6].transformList(i, v, i != 1, v / 2 + i)", "[1,5]")]
    [InlineData("{'a': 1}.transformMap(k, v, v * 10)", "{\"a\":10}")]
    [InlineData("[1, 2].all(i, v, v > i)", "true")]
    [InlineData("optional.of(41).optMap(x, x + 1).value()", "42")]
    [InlineData("{'k': {'s': 'v'}}.?k.optFlatMap(m, m.?s).value()", "\"v\"")]
    public void A_library_function_returns_what_kube_apiserver_returns(string expression, string json)
    {
        Assert.Equal(json, Cel.Json(expression));
    }

    [Theory]
    [InlineData("1 / 0", "division by zero")]
    [InlineData("9223372036854775807 + 1", "return error for overflow")]
    [InlineData("[1][5]", "index out of bounds: 5")]
    [InlineData("{'a': 1}.b", "no such key: b")]
    [InlineData("dyn('a') + 1", "no such overload: _+_")]
    [InlineData("[].min()", "min called on empty list")]
    [InlineData("'x'.matches('(')", "invalid regex")]
    public void A_runtime_fault_is_an_error_value(string expression, string message)
    {
        Assert.StartsWith(message, Cel.Error(expression), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 / 0 == 1 || true")]
    [InlineData("true || 1 / 0 == 1")]
    [InlineData("!(false && 1 / 0 == 1)")]
    [InlineData("[0, 1].exists(x, 1 / x == 1)")]
    public void Logical_operators_absorb_an_error_the_other_side_outvotes(string expression)
    {
        Assert.Equal("true", Cel.Json(expression));
    }
}
