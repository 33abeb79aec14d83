using System.Text.Json.Nodes;
using Axolotl.Cel.Types;

namespace Axolotl.Cel.Tests;

/// <summary>
/// The libraries kube-apiserver 1.32 offers CRD rules beyond the core ones: the Kubernetes format library (1.31) and
/// cel-go's sets extension (1.29), with upstream's values, messages and costs (apiserver pkg/cel/library/format_test.go
/// and cost_test.go, cel-go ext/sets.go); and what it does not offer yet (semver, strings' reverse).
/// </summary>
public sealed class FormatAndSetsLibraryTests
{
    private const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    [Theory]
    [InlineData("format.dns1123Label().validate('my-label-name')", "null")]
    [InlineData("format.dns1123Label().validate('contains a space')", "[\"" + LabelMessage + "\"]")]
    [InlineData("format.dns1123Label().validate('a.b')", "[\"must not contain dots\"]")]
    [InlineData("format.dns1123LabelPrefix().validate('my-label-prefix-')", "null")]
    [InlineData("format.dns1123Subdomain().validate('apiextensions.k8s.io')", "null")]
    [InlineData("format.dns1035Label().validate('1abc')", "[\"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')\"]")]
    [InlineData("format.qualifiedName().validate('apiextensions.k8s.io/v1beta1')", "null")]
    [InlineData("format.qualifiedName().validate('/x')", "[\"prefix part must be non-empty\"]")]
    [InlineData("format.labelValue().validate('')", "null")]
    [InlineData("format.uri().validate('http://example.com')", "null")]
    [InlineData("format.uri().validate('example')", "[\"parse \\\"example\\\": invalid URI for request\"]")]
    [InlineData("format.uri().validate('http://h:port/')", "[\"parse \\\"http://h:port/\\\": invalid port \\\":port\\\" after host\"]")]
    [InlineData("format.uuid().validate('123e4567-e89b-12d3-a456-426614174000')", "null")]
    [InlineData("format.uuid().validate('123')", "[\"does not match the UUID format\"]")]
    [InlineData("format.byte().validate('aGVsbG8=')", "null")]
    [InlineData("format.byte().validate('aGVsbG8')", "[\"invalid base64\"]")]
    [InlineData("format.date().validate('2021-02-29')", "[\"invalid date\"]")]
    [InlineData("format.datetime().validate('2021-01-01T00:00:00Z')", "null")]
    [InlineData("format.datetime().validate('2021-01-01T24:00:00Z')", "[\"invalid datetime\"]")]
    public void Validate_gives_none_or_upstreams_messages(string expression, string expected) =>
        Assert.Equal(expected, Optional(expression));

    [Fact]
    public void Named_looks_formats_up_by_their_exact_name()
    {
        Assert.Equal("true", Cel.Json("format.named('dns1123Subdomain').hasValue() && format.named('dns1123subdomain') == optional.none()"));
        Assert.Equal("true", Cel.Json("format.named('labelValue').value() == format.labelValue() && format.uri() != format.uuid()"));
    }

    [Fact]
    public void A_rule_can_report_the_formats_messages()
    {
        var compiled = CelEnvironment.ForCustomResourceRules(CelDeclType.String, optionalOldSelf: false)
            .Compile("!format.dns1123Label().validate(self).hasValue()");
        Assert.True(compiled.Success, compiled.Error);
        Assert.Equal(false, compiled.Program!.Evaluate(new Dictionary<string, JsonNode?> { ["self"] = "Not_A_Label" }).Value);
    }

    [Theory]
    [InlineData("sets.contains([1, 2, 3], [3, 1])", "true")]
    [InlineData("sets.contains([1, 2], [dyn(1.0), dyn(2u)])", "true")]
    [InlineData("sets.contains([1], [])", "true")]
    [InlineData("sets.contains([], [1])", "false")]
    [InlineData("sets.equivalent([1, 2, 2], [2, 1])", "true")]
    [InlineData("sets.equivalent([1], [1, 2])", "false")]
    [InlineData("sets.intersects(['a', 'b'], ['c', 'b'])", "true")]
    [InlineData("sets.intersects([1], [])", "false")]
    public void Sets_compare_lists_as_sets(string expression, string expected) => Assert.Equal(expected, Cel.Json(expression));

    [Theory]
    // apiserver's cost_test.go: format.named 1, value() 1, validate ⌈(1 + 7) × 0.1⌉ × ⌈regex size × 0.25⌉.
    [InlineData("format.named('dns1123subdomain')", 1)]
    [InlineData("format.named('dns1123Subdomain').value().validate('my-name')", 17)]
    [InlineData("format.named('dns1123Label').value().validate('my-name')", 10)]
    [InlineData("format.named('dns1123Label').value() == format.named('dns1123Label').value()", 5)]
    [InlineData("format.uri().validate('x')", 277)] // 1 + 1 × ⌈1103 × 0.25⌉
    // cel-go's sets: 1 + |a| × |b|, twice the product for equivalent.
    [InlineData("sets.contains([1, 2, 3], [3, 1])", 7)]
    [InlineData("sets.equivalent([1, 2, 3], [3, 1])", 13)]
    [InlineData("sets.intersects([1, 2, 3], [])", 1)]
    public void Runtime_costs_are_kube_apiservers(string expression, long expected)
    {
        var compiled = CelEnvironment.Create().Compile(expression);
        Assert.True(compiled.Success, compiled.Error);
        Assert.Equal(expected, compiled.Program!.Evaluate(new Dictionary<string, JsonNode?>()).Cost);
    }

    [Theory]
    // apiserver's cost_test.go: validate is estimated with the largest format regex (128 characters).
    [InlineData("format.named('dns1123subdomain')", 1)]
    [InlineData("format.named('dns1123Subdomain').value().validate('my-name')", 34)]
    [InlineData("format.named('dns1123Label').value() == format.named('dns1123Label').value()", 11)]
    [InlineData("sets.equivalent([1, 2, 3], [3, 1])", 33)] // the two list literals 10 each (estimates do not fold constants)
    public void Estimated_costs_are_kube_apiservers(string expression, ulong expected)
    {
        var compiled = CelEnvironment.Create().Compile(expression);
        Assert.True(compiled.Success, compiled.Error);
        Assert.Equal(expected, compiled.Program!.EstimateCost(_ => null));
    }

    [Theory]
    // semver arrived in 1.33 and strings' reverse is cel-go's strings version 3 (1.32 enables version 2).
    [InlineData("isSemver('1.0.0')", "undeclared reference to 'isSemver' (in container '')")]
    [InlineData("semver('1.0.0').major() == 1", "undeclared reference to 'semver' (in container '')")]
    [InlineData("'abc'.reverse() == 'cba'", "undeclared reference to 'reverse' (in container '')")]
    [InlineData("format.dns1123Label().validate(1)", "found no matching overload for 'validate' applied to 'kubernetes.NamedFormat.(int)'")]
    [InlineData("sets.contains([1], ['a'])", "found no matching overload for 'sets.contains' applied to '(list(int), list(string))'")]
    public void What_1_32_does_not_offer_is_refused_when_compiled(string expression, string message)
    {
        var compiled = CelEnvironment.Create().Compile(expression);
        Assert.False(compiled.Success);
        Assert.Contains(message, compiled.Error, StringComparison.Ordinal);
    }

    [Theory]
    // kube-apiserver 1.32 compiles a new expression at compatibility version 1.31: no two-variable comprehensions
    // (1.32, stored expressions only) and no cel.bind (never enabled), so these stay plain calls and are undeclared.
    [InlineData("[1].all(i, v, v > 0)", "undeclared reference to 'all' (in container '')")]
    [InlineData("{'a': 1}.transformMap(k, v, v + 1).size() == 1", "undeclared reference to 'transformMap' (in container '')")]
    [InlineData("[1].existsOne(x, x == 1)", "undeclared reference to 'existsOne' (in container '')")]
    [InlineData("cel.bind(x, 1, x + 1) == 2", "undeclared reference to 'bind' (in container '')")]
    public void A_new_expression_gets_only_the_macros_of_1_31(string expression, string message)
    {
        var compiled = CelEnvironment.Create().ForNewExpressions().Compile(expression);
        Assert.False(compiled.Success);
        Assert.Contains(message, compiled.Error, StringComparison.Ordinal);
        Assert.True(CelEnvironment.Create().Compile(expression).Success, "a stored expression keeps every macro");
        Assert.True(CelEnvironment.Create().ForNewExpressions().Compile("[1].all(x, x > 0) && [1].exists_one(x, x == 1) && [1].map(x, x > 0, x).size() == 1 && optional.of(1).optMap(v, v).hasValue()").Success);
    }

    private static string Optional(string expression)
    {
        var compiled = CelEnvironment.Create().Compile($"({expression}).orValue(['__none__'])");
        Assert.True(compiled.Success, compiled.Error);
        var result = compiled.Program!.Evaluate(new Dictionary<string, JsonNode?>());
        Assert.True(result.Success, result.Error);
        var json = JsonValues.ToNode(result.Value)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return json == "[\"__none__\"]" ? "null" : json;
    }
}
