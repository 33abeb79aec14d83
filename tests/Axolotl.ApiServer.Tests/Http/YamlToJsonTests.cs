using System.Diagnostics;
using System.Text;
using Axolotl.ApiServer.Http;

namespace Axolotl.ApiServer.Tests.Http;

public sealed class YamlToJsonTests
{
    [Fact]
    public void A_manifest_converts_with_core_schema_scalars()
    {
        var json = YamlToJson.Convert("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, labels: {tier: "1"}}
            data:
              color: blue
              empty: ~
              count: 3
              ratio: 0.5
              flag: true
              text: !!str 42
            list: [a, 'b', "c"]
            """)!;

        Assert.Equal("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","labels":{"tier":"1"}},"data":{"color":"blue","empty":null,"count":3,"ratio":0.5,"flag":true,"text":"42"},"list":["a","b","c"]}""",
            json.ToJsonString());
    }

    [Fact]
    public void Anchors_and_aliases_within_budget_are_expanded()
    {
        var json = YamlToJson.Convert("base: &b {cpu: 1, memory: 2}\nfirst: *b\nsecond: *b\nname: &n web\nalias: *n\n")!;

        Assert.Equal("""{"base":{"cpu":1,"memory":2},"first":{"cpu":1,"memory":2},"second":{"cpu":1,"memory":2},"name":"web","alias":"web"}""", json.ToJsonString());
    }

    [Theory]
    [InlineData("&a [*a]", "anchor 'a' value contains itself")]
    [InlineData("a: &a {b: *a}", "anchor 'a' value contains itself")]
    [InlineData("a: *missing", "unknown anchor 'missing' referenced")]
    [InlineData("? [a]\n: b\n", "non-scalar mapping key")]
    [InlineData("a: 1\na: 2\n", "mapping key \"a\" already defined")]
    public void Self_referencing_unknown_and_malformed_documents_are_refused(string yaml, string message)
    {
        var e = Assert.Throws<FormatException>(() => YamlToJson.Convert(yaml));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_billion_laughs_is_refused_before_it_is_built()
    {
        var yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            yaml.Append(level).Append(": &").Append(level).Append(" [").Append(string.Join(",", Enumerable.Repeat($"*{previous}", 9))).Append("]\n");
        }
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<FormatException>(() => YamlToJson.Convert(yaml.ToString()));

        Assert.Contains("document contains excessive aliasing", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(257)]
    public void Deep_nesting_is_refused_without_recursion(int depth)
    {
        var yaml = new string('[', depth) + new string(']', depth);

        var e = Assert.Throws<FormatException>(() => YamlToJson.Convert(yaml));

        Assert.Contains($"exceeded max depth of {YamlToJson.MaxDepth}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_up_to_the_limit_converts()
    {
        var depth = YamlToJson.MaxDepth;

        var json = YamlToJson.Convert(new string('[', depth) + new string(']', depth));

        Assert.NotNull(json);
    }

    [Fact]
    public void Several_documents_are_refused()
    {
        var e = Assert.Throws<FormatException>(() => YamlToJson.Convert("a: 1\n---\nb: 2\n"));

        Assert.Contains("expected a single YAML document", e.Message, StringComparison.Ordinal);
    }
}
