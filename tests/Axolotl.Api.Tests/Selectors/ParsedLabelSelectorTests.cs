using System.Text.Json.Nodes;
using Axolotl.Api.Selectors;

namespace Axolotl.Api.Tests.Selectors;

public sealed class ParsedLabelSelectorTests
{
    private const string QualifiedNameRegex = "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'";
    private const string LabelValueRule =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    // Input and the canonical text it prints as (upstream sorts requirements by key and set values alphabetically).
    public static TheoryData<string, string> Canonical => new()
    {
        { "", "" },
        { "x=a,y=b,z=c", "x=a,y=b,z=c" },
        { "x!=a,y=b", "x!=a,y=b" },
        { "x=", "x=" },
        { "x= ", "x=" },
        { "x=,z= ", "x=,z=" },
        { "!x", "!x" },
        { "x>1", "x>1" },
        { "x>1,z<5", "x>1,z<5" },
        { "x==a", "x==a" },
        { "x=a,a=x", "a=x,x=a" },
        { "x in (b,a)", "x in (a,b)" },
        { "x in (a,a)", "x in (a)" },
        { "x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()" },
        { "  a  in (x , y)  ", "a in (x,y)" },
        { "foo  in\t (abc)", "foo in (abc)" },
        { "x notin\n (abc)", "x notin (abc)" },
        { "a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)" },
        { "notin=in", "notin=in" },
        { "\rx", "x" },
        { "this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash" },
        { "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)" },
        { "x in (abc,)", "x in (,abc)" },
        { "x notin (, a)", "x notin (,a)" },
        { "x notin ( )", "x notin ()" },
        { "app.kubernetes.io/name=web,pod-template-hash=5d8f", "app.kubernetes.io/name=web,pod-template-hash=5d8f" },
    };

    public static TheoryData<string, string> Invalid => new()
    {
        { "x==a==b", "found '==', expected: ',' or 'end of string'" },
        { "!x=a", "found '=', expected: ',' or 'end of string'" },
        { "x,,y", "found ',', expected: identifier after ','" },
        { ",x,y", "found ',', expected: !, identifier, or 'end of string'" },
        { "a in (xyz),", "found '', expected: identifier after ','" },
        { "a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'" },
        { "(", "found '(', expected: !, identifier, or 'end of string'" },
        { "x nott in (y)", "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt" },
        { "a (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt" },
        { "a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'" },
        { "x in (a", "unable to parse requirement: found '', expected: ',' or ')'" },
        { "a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier" },
        { "x in a", "unable to parse requirement: found 'a' expected: '('" },
        { "x=(a)", "unable to parse requirement: found '(', expected: identifier" },
        { "!", "unable to parse requirement: found '', expected: identifier" },
        { "x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer" },
        { "x=a||y=b", "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " + LabelValueRule },
        { "x=-a", "unable to parse requirement: values[0][x]: Invalid value: \"-a\": " + LabelValueRule },
        {
            "-x",
            "unable to parse requirement: <nil>: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " + QualifiedNameRegex + ")"
        },
        {
            "a/b/c",
            "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " + QualifiedNameRegex + ") with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        },
        {
            "Bad_Prefix/x",
            "unable to parse requirement: <nil>: Invalid value: \"Bad_Prefix/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        },
        { "/x", "unable to parse requirement: <nil>: Invalid value: \"/x\": prefix part must be non-empty" },
        { new string('a', 64), "unable to parse requirement: <nil>: Invalid value: \"" + new string('a', 64) + "\": name part must be no more than 63 characters" },
        { "x=" + new string('v', 64), "unable to parse requirement: values[0][x]: Invalid value: \"" + new string('v', 64) + "\": must be no more than 63 characters" },
    };

    public static TheoryData<string, string, bool> Matching => new()
    {
        { "", "x=y", true },
        { "x=y", "x=y", true },
        { "x=y,z=w", "x=y,z=w", true },
        { "x!=y,z!=w", "x=z,z=a", true },
        { "notin=in", "notin=in", true },
        { "x", "x=z", true },
        { "!x", "y=z", true },
        { "x>1", "x=2", true },
        { "x<1", "x=0", true },
        { "x in (a,b)", "x=b", true },
        { "x notin (a)", "", true },
        { "x!=a", "", true },
        { "x=", "x=", true },
        { "x=z", "", false },
        { "x=y", "x=z", false },
        { "x=y,z=w", "x=w,z=w", false },
        { "x!=y,z!=w", "x=z,z=w", false },
        { "x", "y=z", false },
        { "!x", "x=z", false },
        { "x>1", "x=0", false },
        { "x<1", "x=2", false },
        { "x>1", "x=abc", false },
        { "x in (a,b)", "", false },
        { "x notin (a)", "x=a", false },
        { "x=", "", false },
        { "foo=bar,foobar=bar,baz=blah", "foo=bar,baz=blah", false },
    };

    [Theory]
    [MemberData(nameof(Canonical))]
    public void Parses_and_prints_the_canonical_form(string text, string canonical)
    {
        var selector = ParsedLabelSelector.Parse(text);

        Assert.Equal(canonical, selector.ToString());
        Assert.Equal(canonical, ParsedLabelSelector.Parse(canonical).ToString());
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_invalid_text_with_upstreams_message(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => ParsedLabelSelector.Parse(text));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [MemberData(nameof(Matching))]
    public void Matches_labels_like_upstream(string selector, string labels, bool matches)
    {
        Assert.Equal(matches, ParsedLabelSelector.Parse(selector).Matches(Labels(labels)));
    }

    [Fact]
    public void Parsed_requirements_expose_key_operator_and_sorted_values()
    {
        var requirements = ParsedLabelSelector.Parse("tier notin (b,a),app==web,!canary,x").Requirements;

        Assert.Equal(["app", "canary", "tier", "x"], requirements.Select(r => r.Key));
        Assert.Equal(
            [SelectionOperator.DoubleEquals, SelectionOperator.DoesNotExist, SelectionOperator.NotIn, SelectionOperator.Exists],
            requirements.Select(r => r.Operator));
        Assert.Equal(["a", "b"], requirements[2].Values);
        Assert.Empty(requirements[3].Values);
    }

    [Fact]
    public void The_empty_selector_matches_everything_and_nothing_matches_nothing()
    {
        Assert.True(ParsedLabelSelector.Parse("").IsEmpty);
        Assert.True(ParsedLabelSelector.Parse(null).Matches(null));
        Assert.True(ParsedLabelSelector.Everything.Matches(Labels("a=b")));
        Assert.False(ParsedLabelSelector.Nothing.IsEmpty);
        Assert.True(ParsedLabelSelector.Nothing.MatchesNothing);
        Assert.False(ParsedLabelSelector.Nothing.Matches(Labels("a=b")));
        Assert.False(ParsedLabelSelector.Nothing.Matches(null));
    }

    [Fact]
    public void Missing_labels_are_treated_as_no_labels()
    {
        Assert.True(ParsedLabelSelector.Parse("!canary,tier!=fe").Matches(null));
        Assert.False(ParsedLabelSelector.Parse("app").Matches(null));
    }

    [Fact]
    public void TryParse_reports_failure_without_throwing()
    {
        Assert.True(ParsedLabelSelector.TryParse("a=b", out var ok));
        Assert.Equal("a=b", ok.ToString());
        Assert.False(ParsedLabelSelector.TryParse("a=(", out var bad));
        Assert.True(bad.MatchesNothing);
    }

    [Fact]
    public void A_label_set_becomes_sorted_equality_requirements()
    {
        var selector = ParsedLabelSelector.FromSet(new Dictionary<string, string> { ["tier"] = "fe", ["app"] = "web" });

        Assert.Equal("app=web,tier=fe", selector.ToString());
        Assert.True(selector.Matches(Labels("app=web,tier=fe,extra=1")));
        Assert.False(selector.Matches(Labels("app=web")));
        Assert.True(ParsedLabelSelector.FromSet(null).IsEmpty);
    }

    [Fact]
    public void A_structured_selector_converts_like_LabelSelectorAsSelector()
    {
        var json = JsonNode.Parse("""
            {"matchLabels":{"tier":"fe","app":"web"},
             "matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]},{"key":"canary","operator":"DoesNotExist"}]}
            """);

        var selector = ParsedLabelSelector.FromJson(json);

        Assert.Equal("app=web,!canary,env in (dev,prod),tier=fe", selector.ToString());
        Assert.True(selector.Matches(Labels("app=web,tier=fe,env=dev")));
        Assert.False(selector.Matches(Labels("app=web,tier=fe,env=dev,canary=1")));
    }

    [Fact]
    public void A_missing_structured_selector_matches_nothing_and_an_empty_one_everything()
    {
        Assert.True(ParsedLabelSelector.FromJson(null).MatchesNothing);
        Assert.True(ParsedLabelSelector.FromJson(JsonNode.Parse("null")).MatchesNothing);
        Assert.True(ParsedLabelSelector.FromJson(JsonNode.Parse("{}")).IsEmpty);
        Assert.True(ParsedLabelSelector.FromJson(JsonNode.Parse("""{"matchLabels":{},"matchExpressions":[]}""")).IsEmpty);
    }

    [Theory]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]}""", "\"Gt\" is not a valid label selector operator")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"In"}]}""", "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty")]
    [InlineData("""{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}""", "values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist")]
    [InlineData("""{"matchLabels":{"app":"-web"}}""", "values[0][app]: Invalid value: \"-web\": " + LabelValueRule)]
    [InlineData("""{"matchLabels":{"a/b/c":"x"}}""", "key: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters")]
    [InlineData("""{"matchExpressions":[{"key":"-a","operator":"In","values":["-x"]}]}""", "[key: Invalid value: \"-a\": name part must consist")]
    [InlineData("""{"matchLabels":["app"]}""", "invalid label selector: matchLabels must be an object")]
    public void An_invalid_structured_selector_is_rejected(string json, string message)
    {
        var error = Assert.Throws<FormatException>(() => ParsedLabelSelector.FromJson(JsonNode.Parse(json)));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_typed_selector_model_converts_through_its_json()
    {
        var model = new SelectorModel
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions = [new ExpressionModel { Key = "tier", Operator = "NotIn", Values = ["db"] }],
        };

        Assert.Equal("app=web,tier notin (db)", ParsedLabelSelector.FromModel(model).ToString());
        Assert.True(ParsedLabelSelector.FromModel<SelectorModel>(null).MatchesNothing);
    }

    [Fact]
    public void The_wire_LabelSelector_type_converts_directly()
    {
        var wire = new Axolotl.Api.Core.LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions = [new Axolotl.Api.Core.LabelSelectorRequirement { Key = "tier", Operator = "In", Values = ["fe", "be"] }],
        };

        Assert.Equal("app=web,tier in (be,fe)", ParsedLabelSelector.FromModel(wire).ToString());
        Assert.True(ParsedLabelSelector.FromModel((Axolotl.Api.Core.LabelSelector?)null).MatchesNothing);
        Assert.True(ParsedLabelSelector.FromModel(new Axolotl.Api.Core.LabelSelector()).IsEmpty);
        var error = Assert.Throws<FormatException>(() => ParsedLabelSelector.FromModel(
            new Axolotl.Api.Core.LabelSelector { MatchExpressions = [new Axolotl.Api.Core.LabelSelectorRequirement { Key = "a", Operator = "NotIn", Values = [] }] }));
        Assert.Equal("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty", error.Message);
    }

    [Fact]
    public void An_exact_match_is_found_for_equality_and_single_value_in()
    {
        var selector = ParsedLabelSelector.Parse("a=1,b in (x),c in (x,y),d!=z");

        Assert.True(selector.TryGetExactMatch("a", out var a));
        Assert.Equal("1", a);
        Assert.True(selector.TryGetExactMatch("b", out var b));
        Assert.Equal("x", b);
        Assert.False(selector.TryGetExactMatch("c", out _));
        Assert.False(selector.TryGetExactMatch("d", out _));
        Assert.False(selector.TryGetExactMatch("e", out _));
    }

    [Fact]
    public void Requirements_can_be_added_and_stay_sorted()
    {
        var selector = ParsedLabelSelector.Parse("b=2").Add(LabelRequirement.Create("a", SelectionOperator.Exists, null));

        Assert.Equal("a,b=2", selector.ToString());
        Assert.Same(ParsedLabelSelector.Nothing, ParsedLabelSelector.Nothing.Add(LabelRequirement.Create("a", SelectionOperator.Exists, null)));
    }

    [Fact]
    public void Creating_an_invalid_requirement_fails_with_every_problem()
    {
        var error = Assert.Throws<FormatException>(() => LabelRequirement.Create("x", SelectionOperator.Equals, ["a", "b"]));

        Assert.Equal("values: Invalid value: []string{\"a\", \"b\"}: exact-match compatibility requires one single value", error.Message);
    }

    [Fact]
    public void Keys_and_values_follow_gos_rules_for_newlines_lengths_and_quoting()
    {
        // Go's '$' does not match before a trailing newline, and Go's %q escapes it.
        var newline = Assert.Throws<FormatException>(() => LabelRequirement.Create("app\n", SelectionOperator.Exists, null));
        Assert.Equal(
            "key: Invalid value: \"app\\n\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " + QualifiedNameRegex + ")",
            newline.Message);

        // Lengths are Go's len: UTF-8 bytes, so 32 two-byte characters are too long.
        var wide = new string('\u00e9', 32);
        var tooLong = Assert.Throws<FormatException>(() => LabelRequirement.Create("x", SelectionOperator.Equals, [wide]));
        Assert.Equal($"values[0][x]: Invalid value: \"{wide}\": must be no more than 63 characters; {LabelValueRule}", tooLong.Message);

        var bell = Assert.Throws<FormatException>(() => LabelRequirement.Create("x", SelectionOperator.In, ["a\u0007"]));
        Assert.Equal("values[0][x]: Invalid value: \"a\\a\": " + LabelValueRule, bell.Message);
    }

    private static Dictionary<string, string> Labels(string text) =>
        text.Length == 0
            ? []
            : text.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    public sealed class SelectorModel
    {
        public Dictionary<string, string>? MatchLabels { get; set; }
        public List<ExpressionModel>? MatchExpressions { get; set; }
    }

    public sealed class ExpressionModel
    {
        public string Key { get; set; } = "";
        public string Operator { get; set; } = "";
        public List<string>? Values { get; set; }
    }
}
