using Axolotl.Api.Selectors;

namespace Axolotl.Api.Tests.Selectors;

public sealed class FieldSelectorTests
{
    // Input and upstream's text for it: terms sorted, "==" printed as "=", values escaped, empty terms dropped.
    public static TheoryData<string, string> Canonical => new()
    {
        { "", "" },
        { "metadata.name=foo", "metadata.name=foo" },
        { "spec.nodeName==n1", "spec.nodeName=n1" },
        { "status.phase!=Succeeded,status.phase!=Failed", "status.phase!=Failed,status.phase!=Succeeded" },
        { "b=2,a=1", "a=1,b=2" },
        { "involvedObject.namespace=", "involvedObject.namespace=" },
        { "=", "" },
        { "a=b,,c=d", "a=b,c=d" },
        { "a=b\\,c", "a=b\\,c" },
        { "a=b\\=c\\\\d", "a=b\\=c\\\\d" },
    };

    public static TheoryData<string, string> Invalid => new()
    {
        { "foo", "invalid selector: 'foo'; can't understand 'foo'" },
        { "a=b,foo", "invalid selector: 'a=b,foo'; can't understand 'foo'" },
        { "x=a=b", "invalid field selector: unescaped character in value: 61" },
        { "a!==b", "invalid field selector: unescaped character in value: 61" },
        { "a=b\\x", "invalid field selector: invalid escape sequence: \\x" },
        { "a=b\\", "invalid field selector: invalid escape sequence: \\" },
    };

    [Theory]
    [MemberData(nameof(Canonical))]
    public void Parses_and_prints_like_upstream(string text, string canonical)
    {
        Assert.Equal(canonical, FieldSelector.Parse(text).ToString());
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_invalid_text_with_upstreams_message(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => FieldSelector.Parse(text));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Exposes_field_operator_and_unescaped_value()
    {
        var requirements = FieldSelector.Parse("spec.nodeName==n1,status.phase!=Failed,metadata.name=a\\,b").Requirements;

        Assert.Equal(
            [
                new FieldRequirement("metadata.name", SelectionOperator.Equals, "a,b"),
                new FieldRequirement("spec.nodeName", SelectionOperator.Equals, "n1"),
                new FieldRequirement("status.phase", SelectionOperator.NotEquals, "Failed"),
            ],
            requirements);
    }

    [Theory]
    [InlineData("spec.nodeName=n1", true)]
    [InlineData("spec.nodeName=n2", false)]
    [InlineData("status.phase!=Succeeded,status.phase!=Failed", true)]
    [InlineData("status.phase!=Running", false)]
    [InlineData("involvedObject.namespace=", true)]
    [InlineData("involvedObject.namespace!=", false)]
    [InlineData("metadata.name!=other", true)]
    [InlineData("", true)]
    public void Matches_against_field_values_with_missing_fields_as_empty(string selector, bool matches)
    {
        var fields = new Dictionary<string, string> { ["spec.nodeName"] = "n1", ["status.phase"] = "Running", ["metadata.name"] = "p" };

        Assert.Equal(matches, FieldSelector.Parse(selector).Matches(f => fields.GetValueOrDefault(f)));
    }

    [Fact]
    public void Whitespace_is_part_of_the_field_name_as_upstream()
    {
        var selector = FieldSelector.Parse("metadata.name = x");

        var error = Assert.Throws<FormatException>(() => selector.RequireSupported(["metadata.name"]));

        Assert.Equal("field label not supported: metadata.name ", error.Message);
    }

    [Fact]
    public void Unsupported_field_labels_are_reported()
    {
        var selector = FieldSelector.Parse("spec.nodeName=n1,spec.foo=bar");

        var error = Assert.Throws<FormatException>(() => selector.RequireSupported(["metadata.name", "metadata.namespace", "spec.nodeName"]));

        Assert.Equal("field label not supported: spec.foo", error.Message);
        Assert.Equal("spec.foo", selector.FindUnsupported(f => f.StartsWith("metadata.", StringComparison.Ordinal) || f == "spec.nodeName"));
        Assert.Null(FieldSelector.Parse("spec.nodeName=n1").FindUnsupported(f => f == "spec.nodeName"));
    }

    [Fact]
    public void Escaping_round_trips_special_characters()
    {
        const string value = "a\\b,c=d";

        var escaped = FieldSelector.EscapeValue(value);
        var parsed = FieldSelector.Parse("metadata.name=" + escaped);

        Assert.Equal("a\\\\b\\,c\\=d", escaped);
        Assert.Equal(value, FieldSelector.UnescapeValue(escaped));
        Assert.Equal(value, parsed.Requirements.Single().Value);
        Assert.True(parsed.Matches(_ => value));
    }

    [Fact]
    public void An_exact_match_is_found_only_for_equality()
    {
        var selector = FieldSelector.Parse("metadata.name=web,spec.nodeName!=n1");

        Assert.True(selector.TryGetExactMatch("metadata.name", out var name));
        Assert.Equal("web", name);
        Assert.False(selector.TryGetExactMatch("spec.nodeName", out _));
    }

    [Fact]
    public void Empty_and_nothing_selectors_behave_as_their_names_say()
    {
        Assert.True(FieldSelector.Parse(null).IsEmpty);
        Assert.True(FieldSelector.Everything.Matches(_ => null));
        Assert.False(FieldSelector.Nothing.Matches(_ => null));
        Assert.True(FieldSelector.Nothing.MatchesNothing);
        Assert.False(FieldSelector.TryParse("foo", out var bad));
        Assert.True(bad.MatchesNothing);
    }

    [Fact]
    public void A_field_set_becomes_sorted_equality_terms()
    {
        var selector = FieldSelector.FromSet(new Dictionary<string, string> { ["metadata.namespace"] = "default", ["metadata.name"] = "a=b" });

        Assert.Equal("metadata.name=a\\=b,metadata.namespace=default", selector.ToString());
        Assert.True(FieldSelector.FromSet(null).IsEmpty);
    }
}
