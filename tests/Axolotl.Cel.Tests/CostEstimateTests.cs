using Axolotl.Cel.Types;

namespace Axolotl.Cel.Tests;

/// <summary>
/// Estimates pinned to the numbers kube-apiserver 1.32 computes (cel-go 0.22's checker/cost.go with Kubernetes' library
/// costs), derived by hand from upstream's code: a literal costs 0, a variable or a field of an object 1, a macro its
/// range plus the range's size times one step of the fold it expands to.
/// </summary>
public sealed class CostEstimateTests
{
    private static readonly CelDeclType Self = CelDeclType.Object("selfType0", new Dictionary<string, CelDeclType>
    {
        ["name"] = CelDeclType.String,
        ["replicas"] = CelDeclType.Int,
        ["minReplicas"] = CelDeclType.Int,
        ["tags"] = CelDeclType.List(CelDeclType.String),
        ["items"] = CelDeclType.List(CelDeclType.String),
        ["labels"] = CelDeclType.Map(CelDeclType.String, CelDeclType.String),
    });

    // name: maxLength 10 (40 bytes), tags: maxItems 10 of maxLength 20, labels: maxProperties 5; items has no bound.
    private static readonly Dictionary<string, ulong> Sizes = new()
    {
        ["self.name"] = 40,
        ["self.tags"] = 10,
        ["self.tags.@items"] = 80,
        ["self.labels"] = 5,
        ["self.labels.@values"] = 40,
    };

    private static ulong Estimate(string expression)
    {
        var compiled = CelEnvironment.ForCustomResourceRules(Self, optionalOldSelf: false).Compile(expression);
        Assert.True(compiled.Success, compiled.Error);
        return compiled.Program!.EstimateCost(path => Sizes.TryGetValue(string.Join(".", path), out var size) ? size : null);
    }

    [Theory]
    // Two field selections (2 each) and an O(1) comparison.
    [InlineData("self.minReplicas <= self.replicas", 5)]
    // Presence tests are free in Kubernetes; only the operand is read.
    [InlineData("has(self.name)", 1)]
    // Equality traverses the shorter side: min(40, 3) × 0.1, rounded up.
    [InlineData("self.name == 'abc'", 3)]
    // all: range 2, then 1 + 10 items × (predicate 3 + 3).
    [InlineData("self.tags.all(t, t.size() < 64)", 63)]
    [InlineData("self.tags.exists(t, t == 'x')", 63)]
    [InlineData("self.tags.exists_one(t, t.startsWith('a'))", 44)]
    // map: the accumulator list costs 10 + 1, each step the transform plus 12 (concatenating a one-item list).
    [InlineData("self.tags.map(t, t + '-x').size() > 0", 235)]
    [InlineData("self.tags.filter(t, t.contains('a')).size() == 0", 235)]
    // matches: ⌈(40 + 1) × 0.1⌉ × ⌈8 × 0.25⌉ = 5 × 2.
    [InlineData("self.name.matches('^[a-z]+$')", 12)]
    // in on a list: one per item.
    [InlineData("'a' in self.tags", 12)]
    // Indexing a map by its key: the value is sized by @values.
    [InlineData("self.labels.all(k, self.labels[k].size() < 10)", 48)]
    // Kubernetes' library: lowerAscii traverses its receiver (⌈40 × 0.1⌉); its result keeps the receiver's size.
    [InlineData("self.name.lowerAscii() == 'abc'", 7)]
    [InlineData("self.name.split(',').size() <= 3", 12)]
    // Quantities compare in O(1); parsing costs 0.1 per character.
    [InlineData("quantity(self.name) == quantity('1Gi')", 8)]
    // A value from an optional has no known size: equality with '' traverses min(unknown, 0) = 0.
    [InlineData("self.?name.orValue('') == ''", 3)]
    // ?: costs its condition and the dearer branch.
    [InlineData("self.tags.size() > 2 ? self.name == 'a' : true", 7)]
    // String concatenation copies both sides: ⌈80 × 0.1⌉; the result's size is the sum.
    [InlineData("self.name + self.name == 'x'", 13)]
    // Two variables: the second has no path of its own in cel-go 0.22 (here unknown, so its size() is O(1) anyway).
    [InlineData("self.tags.all(i, t, t.size() > i)", 73)]
    public void An_expression_is_estimated_as_kube_apiserver_estimates_it(string expression, ulong expected)
    {
        Assert.Equal(expected, Estimate(expression));
    }

    [Fact]
    public void A_range_of_unknown_size_saturates()
    {
        Assert.Equal(ulong.MaxValue, Estimate("self.items.all(x, x.size() < 3)"));
    }

    [Fact]
    public void Nested_comprehensions_multiply_by_each_range()
    {
        // Inner: 2 + 1 + 10 × (0 + 3) = 33; outer: 2 + 1 + 10 × (33 + 3).
        Assert.Equal(363UL, Estimate("self.tags.all(x, self.tags.all(y, true))"));
    }
}
