using Axolotl.Cel.Types;
using Axolotl.Cel.Values;

namespace Axolotl.Cel.Tests;

/// <summary>
/// The actual cost of an evaluation is the number kube-apiserver 1.32 counts: cel-go 0.22's cost tracker with the
/// Kubernetes library's call costs. The expressions and expected numbers are those of upstream's own tests
/// (cel-go interpreter/runtimecost_test.go, apiserver pkg/cel/library/cost_test.go). Those tests build their program
/// without OptOptimize and with has() charged; kube-apiserver's environment enables OptOptimize and
/// PresenceTestHasCost(false), so where a case has a literal list or map (folded into a constant, 0 instead of 10 or
/// 30), a constant conversion, a set membership or has(), the expected number is upstream's minus that difference, as
/// noted on the case.
/// </summary>
public sealed class RuntimeCostTests
{
    [Theory]
    [InlineData("\"Hello World!\"", 0)]
    [InlineData("1 < 2", 1)]
    [InlineData("1 <= 2", 1)]
    [InlineData("1 == 2", 1)]
    [InlineData("2 > 1", 1)]
    [InlineData("2 >= 1", 1)]
    [InlineData("1 + 1", 1)]
    [InlineData("1 - 1", 1)]
    [InlineData("1 / 1", 1)]
    [InlineData("1 * 1", 1)]
    [InlineData("1 % 1", 1)]
    [InlineData("false || false", 0)]
    [InlineData("true || false", 0)]
    [InlineData("true && false", 0)]
    [InlineData("false && true", 0)]
    [InlineData("true ? 1 : 2", 0)]
    [InlineData("true ? false : 1 > 3", 0)]
    [InlineData("false ? false : 1 > 3", 1)]
    [InlineData("(1 > 2 ? 5 : 3) > 1", 2)]
    [InlineData("(1 > 2 || 2 > 1) == true", 3)]
    [InlineData("size(\"123\")", 1)]
    [InlineData("'12345678901234567890' == '123456789012345678901234567890'", 2)]
    [InlineData("'123'.matches('[0-9]')", 2)]
    [InlineData("[1, 2, 3]", 0)] // upstream 10: a literal list is a constant
    [InlineData("{\"a\": 1, \"b\": 2, \"c\": 3}", 0)] // upstream 30
    [InlineData("string(1)", 0)] // upstream 1: a conversion of a constant is folded
    [InlineData("2 in [1, 2, 3]", 0)] // upstream 13: membership in a constant list is a set lookup
    [InlineData("[1, 2, 3].all(x, true)", 10)] // upstream 20
    [InlineData("[{'k1': 1}, {'k2': 2}].all(x, true)", 7)] // upstream 77
    [InlineData("[1,2,3,4,5].filter(x, x % 2 == 0)", 42)] // upstream 62: the range and the accumulator's [] are constants
    [InlineData("[1,2,3,4,5].map(x, x)", 66)] // upstream 86
    [InlineData("[1,2,3,4,5].map(x, x).filter(x, x % 2 == 0)", 108)] // upstream 138
    [InlineData("[1,2,3,4,5].map(x, x).exists(x, x == 5) == true", 98)] // upstream 118
    [InlineData("[1,2,3,4,5].map(x, x).map(x, x)", 132)] // upstream 162
    [InlineData("[1,2,3,4,5].map(x, [x, x]).filter(z, z.size() == 2)", 202)] // upstream 232
    [InlineData("[1,2,3,4,5].map(x, [x, x]).all(y, y.all(y, y == 1))", 151)] // upstream 171
    [InlineData("[1,2,3,4,5].map(x, x).map(x, x) + [1]", 133)] // upstream 173
    [InlineData("[1,2,3].all(i, i in [1,2,3].map(j, j + j))", 56)] // upstream 86
    public void Cel_go_runtime_cost_cases_without_variables(string expression, long expected) =>
        Assert.Equal(expected, Cost(expression));

    [Theory]
    [InlineData("'ABCDEFGHIJ abcdefghij'.lowerAscii()", 3)]
    [InlineData("'ABCDEFGHIJ abcdefghij'.lowerAscii() == 'abcdefghij ABCDEFGHIJ'.lowerAscii()", 9)]
    [InlineData("'ABCDEFGHIJ abcdefghij'.upperAscii()", 3)]
    [InlineData("'ABCDEFGHIJ abcdefghij'.upperAscii() == 'abcdefghij ABCDEFGHIJ'.upperAscii()", 9)]
    [InlineData("strings.quote('ABCDEFGHIJ abcdefghij')", 3)]
    [InlineData("strings.quote('ABCDEFGHIJ abcdefghij') == strings.quote('ABCDEFGHIJ abcdefghij')", 9)]
    [InlineData("'abc 123 def 123'.replace('123', '456')", 3)]
    [InlineData("'abc 123 def 123'.replace('', 'x')", 3)]
    [InlineData("'abc 123 def 123'.replace('123', '')", 3)]
    [InlineData("'abc 123 def 123'.replace('123', '456', 1)", 3)]
    [InlineData("'abc 123 def 123'.split(' ')", 3)]
    [InlineData("'abc 123 def 123'.split(' ', 1)", 3)]
    [InlineData("'abc 123 def 123'.substring(5)", 2)]
    [InlineData("'abc 123 def 123'.substring(5, 8)", 2)]
    [InlineData("'  abc 123 def 123  '.trim()", 2)]
    [InlineData("['aa', 'bb', 'cc', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join(' ')", 5)] // upstream 15: the list is a constant
    [InlineData("['aa', 'bb', 'cc', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join()", 3)] // upstream 13
    [InlineData("'abc 123 def 123'.find('123')", 2)]
    [InlineData("'abc 123 def 123'.findAll('123')", 2)]
    [InlineData("'abc 123 def 123'.findAll('123', 1)", 2)]
    [InlineData("[1, 2, 3, 4, 5].sum()", 5)] // upstream 15
    [InlineData("[uint(1), uint(2), uint(3), uint(4), uint(5)].sum()", 5)] // upstream 20: the casts are folded too
    [InlineData("[1.0, 2.0, 3.0, 4.0, 5.0].max()", 5)] // upstream 15
    [InlineData("['012345678901', '012345678901', '012345678901', '012345678901', '012345678901'].isSorted()", 5)] // upstream 15
    [InlineData("[bytes('012345678901'), bytes('012345678901'), bytes('012345678901'), bytes('012345678901'), bytes('012345678901')].min()", 5)] // upstream 25
    [InlineData("[duration('1s'), duration('2s'), duration('3s'), duration('4s'), duration('5s')].min()", 5)] // upstream 20
    [InlineData("[1, 2, 3, 4, 5].indexOf(3)", 5)] // upstream 15
    [InlineData("['012345678901', '012345678901', '012345678901', '012345678901', '012345678901'].lastIndexOf('x')", 5)] // upstream 15
    [InlineData("'01234567890123456789012345678901234567890123456789'.indexOf('123')", 5)]
    [InlineData("url('https://kubernetes.io/').getScheme()", 4)]
    [InlineData("url('https://kubernetes.io/').getHostname()", 4)]
    [InlineData("url('https://kubernetes.io/').getEscapedPath()", 4)]
    [InlineData("url('https://kubernetes.io/') == url('https://kubernetes.io/')", 7)]
    [InlineData("url('https://kubernetes.io/') == url('http://x.b')", 5)]
    [InlineData("ip('192.168.0.1')", 2)]
    [InlineData("ip('2001:db8:3333:4444:5555:6666:7777:8888')", 4)]
    [InlineData("ip('192.168.0.1').family()", 3)]
    [InlineData("ip('2001:db8:3333:4444:5555:6666:7777:8888').isLoopback()", 5)]
    [InlineData("ip('192.168.0.1') == ip('192.168.0.1')", 5)]
    [InlineData("ip('2001:db8:3333:4444:5555:6666:7777:8888') == ip('192.168.0.1')", 7)]
    [InlineData("ip.isCanonical('192.168.0.1')", 3)]
    [InlineData("ip.isCanonical('2001:db8:3333:4444:5555:6666:7777:8888')", 8)]
    [InlineData("ip.isCanonical('2001:db8::abcd')", 3)]
    [InlineData("cidr('192.168.0.0/16')", 2)]
    [InlineData("cidr('192.168.0.0/16').ip()", 3)]
    [InlineData("cidr('192.168.0.0/16').prefixLength()", 3)]
    [InlineData("cidr('2001:db8::/32').masked()", 3)]
    [InlineData("cidr('192.168.0.0/16') == cidr('2001:db8::/32')", 5)]
    [InlineData("cidr('192.168.0.0/16').containsCIDR(cidr('192.0.0.0/30'))", 7)]
    [InlineData("cidr('192.168.0.0/16').containsCIDR('192.168.0.0/16')", 7)]
    [InlineData("cidr('192.168.0.0/16').containsIP(ip('192.0.0.1'))", 4)]
    [InlineData("cidr('192.168.0.0/16').containsIP(ip('192.169.169.250'))", 5)]
    [InlineData("cidr('192.168.0.0/16').containsIP('192.169.0.1')", 5)]
    [InlineData("cidr('2001:db8::/32').containsCIDR(cidr('2001:db8::/126'))", 7)]
    [InlineData("cidr('2001:db8::/32').containsCIDR('2001:db8::/32')", 7)]
    [InlineData("cidr('2001:db8::/32').containsIP(ip('2001:db8:3333:4444:5555:6666:7777:8888'))", 7)]
    [InlineData("cidr('2001:db8::/32').containsIP('2001:db8::1')", 5)]
    [InlineData("quantity(\"12Mi\")", 1)]
    [InlineData("isQuantity(\"20M\")", 1)]
    [InlineData("quantity(\"200M\") == quantity(\"200M\")", 3)]
    [InlineData("quantity(\"200M\") == quantity(\"0.2G\") && quantity(\"0.2G\") == quantity(\"200M\")", 6)]
    [InlineData("quantity(\"50M\").isLessThan(quantity(\"50Mi\"))", 3)]
    [InlineData("quantity(\"200M\").compareTo(quantity(\"0.2G\")) > 0", 4)]
    [InlineData("quantity(\"50k\").add(quantity(\"20\")) == quantity(\"50.02k\")", 5)]
    [InlineData("quantity(\"50k\").sub(20) == quantity(\"49980\")", 4)]
    [InlineData("quantity(\"50k\").add(20).sub(quantity(\"100k\")).sub(-50000).asInteger() > 0", 7)]
    [InlineData("quantity(\"50\").isInteger()", 2)]
    [InlineData("quantity(\"50.703k\").asApproximateFloat() > 0.0", 3)]
    public void Kubernetes_library_cost_cases(string expression, long expected) =>
        Assert.Equal(expected, Cost(expression));

    [Fact]
    public void Reading_a_variable_costs_one_and_each_field_or_index_one_more()
    {
        Assert.Equal(1, Cost("input", ("input", CelDeclType.List(CelDeclType.Int), Ints(1, 2))));
        var map = Map(("key", "v"));
        Assert.Equal(2, Cost("input['key']", ("input", CelDeclType.Map(CelDeclType.String, CelDeclType.String), map)));
        Assert.Equal(3, Cost("input['ke' + 'y']", ("input", CelDeclType.Map(CelDeclType.String, CelDeclType.String), map)));
        Assert.Equal(2, Cost("input[0]", ("input", CelDeclType.List(CelDeclType.String), new List<object> { "v" })));
        Assert.Equal(3, Cost("input[3-3]", ("input", CelDeclType.List(CelDeclType.String), new List<object> { "v" })));
    }

    [Fact]
    public void Has_costs_its_fields_only()
    {
        var nested = CelDeclType.Map(CelDeclType.String, CelDeclType.Map(CelDeclType.String, CelDeclType.String));
        var input = Map(("testAttr", Map(("nestedAttr", "v"))));

        Assert.Equal(1, Cost("has(input.testAttr)", ("input", nested, input))); // upstream 2 with has() charged
        Assert.Equal(2, Cost("has(input.testAttr.nestedAttr)", ("input", nested, input))); // upstream 3
    }

    [Fact]
    public void Logical_operators_cost_only_the_operands_they_evaluate()
    {
        var bools = new[] { "a", "b", "c", "d" };
        Assert.Equal(4, Cost("a || b || c || d", bools.Select(n => (n, CelDeclType.Bool, (object)false)).ToArray()));
        Assert.Equal(4, Cost("a && b && c && d", bools.Select(n => (n, CelDeclType.Bool, (object)true)).ToArray()));
        Assert.Equal(1, Cost("a && b && c && d", bools.Select(n => (n, CelDeclType.Bool, (object)false)).ToArray()));
    }

    [Fact]
    public void String_functions_are_charged_by_the_size_of_their_arguments()
    {
        var input = Letters(500);
        Assert.Equal(103, Cost("input.matches('[0-9]')", ("input", CelDeclType.String, input)));
        Assert.Equal(103, Cost("input.matches('\\\\d+a\\\\d+b')", ("input", CelDeclType.String, input)));
        Assert.Equal(2502, Cost("input.contains(arg1)", ("input", CelDeclType.String, input), ("arg1", CelDeclType.String, Letters(500))));
        Assert.Equal(3, Cost("input.startsWith(arg1)", ("input", CelDeclType.String, "idc"), ("arg1", CelDeclType.String, input)));
        Assert.Equal(3, Cost("input.endsWith(arg1)", ("input", CelDeclType.String, "idc"), ("arg1", CelDeclType.String, input)));
        Assert.Equal(2, Cost("input.size()", ("input", CelDeclType.String, "500")));
        Assert.Equal(2, Cost("size(input)", ("input", CelDeclType.String, "500")));
        Assert.Equal(51, Cost("bytes(input)", ("input", CelDeclType.String, input)));
        Assert.Equal(6, Cost("\"abcdefg\".contains(str1 + str2)", ("str1", CelDeclType.String, "val1"), ("str2", CelDeclType.String, "val2222222")));
    }

    [Fact]
    public void The_branches_of_a_conditional_are_resolved_without_their_own_cost()
    {
        var list = CelDeclType.List(CelDeclType.Int);
        var cost = Cost(
            "(x > 2 ? input1 : input2).all(y, true)",
            ("x", CelDeclType.Int, 1L), ("input1", list, Ints(1)), ("input2", list, Ints(1)));

        Assert.Equal(6, cost);
    }

    [Fact]
    public void Comprehensions_over_maps_and_concatenated_lists()
    {
        var objects = CelDeclType.Map(CelDeclType.String, CelDeclType.Map(CelDeclType.String, CelDeclType.Int));
        var nested = CelDeclType.Map(CelDeclType.String, CelDeclType.List(CelDeclType.Int));
        var ints = CelDeclType.List(CelDeclType.Int);

        Assert.Equal(9, Cost("input.all(k, input[k].single_int32 > 3)", ("input", objects, Map(("val", Map(("single_int32", 0L)))))));
        Assert.Equal(2, Cost("input.all(k, input[k].all(x, true))", ("input", nested, new CelMap())));
        Assert.Equal(2, Cost("input.all(k, k.contains(k))", ("input", nested, new CelMap())));
        Assert.Equal(2, Cost("input.all(k, input[k].all(k, true) && k.contains(k))", ("input", nested, new CelMap())));
        Assert.Equal(4, Cost("(list1 + list2).all(x, true)", ("list1", ints, Ints()), ("list2", ints, Ints())));
    }

    [Fact]
    public void A_rule_at_the_limit_passes_and_one_more_step_is_stopped()
    {
        var vars = new[] { ("str1", CelDeclType.String, (object)"val1"), ("str2", CelDeclType.String, (object)"val2222222") };

        var atLimit = Evaluate("\"abcdefg\".contains(str1 + str2)", new CelEvaluationOptions { CostLimit = 6 }, vars);
        var overLimit = Evaluate("\"abcdefg\".contains(str1 + str2)", new CelEvaluationOptions { CostLimit = 5 }, vars);

        Assert.True(atLimit.Success, atLimit.Error);
        Assert.Equal(6, atLimit.Cost);
        Assert.Equal("operation cancelled: actual cost limit exceeded", overLimit.Error);
        Assert.Equal(6, overLimit.Cost);
    }

    [Fact]
    public void Selecting_from_a_computed_value_costs_the_value_plus_one_for_the_chain()
    {
        Assert.Equal(2, Cost("[1, 2, 3][0]"));
        Assert.Equal(13, Cost("[x][0]", ("x", CelDeclType.Int, 1L)));
        Assert.Equal(31, Cost("{'a': x}", ("x", CelDeclType.Int, 1L)));
    }

    [Fact]
    public void An_optional_field_costs_one_only_when_it_is_there()
    {
        var type = CelDeclType.Map(CelDeclType.String, CelDeclType.String);
        var m = Map(("a", "v"));

        Assert.Equal(2, Cost("m.?a.orValue('z')", ("m", type, m)));
        Assert.Equal(1, Cost("m.?b.orValue('z')", ("m", type, m)));
        Assert.Equal(2, Cost("m[?'b'].hasValue()", ("m", type, m)));
    }

    [Fact]
    public void A_call_whose_dyn_arguments_leave_several_overloads_costs_one()
    {
        var text = new string('x', 100);

        Assert.Equal(22, Cost("x + y", ("x", CelDeclType.String, text), ("y", CelDeclType.String, text)));
        Assert.Equal(3, Cost("x + y", ("x", CelDeclType.Dyn, text), ("y", CelDeclType.Dyn, text)));
    }

    [Fact]
    public void A_map_macro_goes_on_after_an_error_and_charges_every_item()
    {
        var result = Evaluate("[1, 0, 2].map(x, 10 / x)", new CelEvaluationOptions());

        // Per item: reading __result__ 1, x 1, / 1, the list of one 10, + 1; then the result 1.
        Assert.Equal("division by zero", result.Error);
        Assert.Equal((3 * 14) + 1, result.Cost);
    }

    private static long Cost(string expression, params (string Name, CelDeclType Type, object Value)[] variables)
    {
        var result = Evaluate(expression, new CelEvaluationOptions(), variables);
        Assert.False(result.Cancelled, result.Error);
        return result.Cost;
    }

    private static CelEvalResult Evaluate(string expression, CelEvaluationOptions options, params (string Name, CelDeclType Type, object Value)[] variables)
    {
        var compiled = CelEnvironment.Create(variables.Select(v => KeyValuePair.Create(v.Name, v.Type))).Compile(expression);
        Assert.True(compiled.Success, compiled.Error);
        return compiled.Program!.EvaluateValues(variables.ToDictionary(v => v.Name, v => v.Value), options);
    }

    private static List<object> Ints(params long[] values) => values.Cast<object>().ToList();

    private static CelMap Map(params (string Key, object Value)[] entries)
    {
        var map = new CelMap();
        foreach (var (key, value) in entries)
        {
            map.TryAdd(key, value);
        }
        return map;
    }

    // A fixed string of ASCII letters: only its length matters to the cost.
    private static string Letters(int n) => new(Enumerable.Range(0, n).Select(i => (char)('a' + (i % 26))).ToArray());
}
