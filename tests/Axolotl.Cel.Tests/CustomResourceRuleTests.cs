namespace Axolotl.Cel.Tests;

/// <summary>Rules as CRD authors write them in x-kubernetes-validations.</summary>
public sealed class CustomResourceRuleTests
{
    [Theory]
    [InlineData("self.minReplicas <= self.replicas", """{"minReplicas":1,"replicas":3}""", true)]
    [InlineData("self.minReplicas <= self.replicas", """{"minReplicas":5,"replicas":3}""", false)]
    [InlineData("self.name.startsWith('x')", """{"name":"xenon"}""", true)]
    [InlineData("self.name.startsWith('x')", """{"name":"argon"}""", false)]
    [InlineData("has(self.spec.foo)", """{"spec":{"foo":"bar"}}""", true)]
    [InlineData("has(self.spec.foo)", """{"spec":{}}""", false)]
    [InlineData("!has(self.spec.foo) || self.spec.foo.size() > 0", """{"spec":{}}""", true)]
    [InlineData("self.items.all(i, i.size() < 10)", """{"items":["a","bb","ccc"]}""", true)]
    [InlineData("self.items.all(i, i.size() < 10)", """{"items":["a","0123456789"]}""", false)]
    [InlineData("self.map(x, x * 2) == [2, 4, 6]", """[1,2,3]""", true)]
    [InlineData("self.filter(x, x > 1).size() == 2", """[1,2,3]""", true)]
    [InlineData("self.exists_one(x, x == 2)", """[1,2,3]""", true)]
    [InlineData("self.all(k, self[k] > 0)", """{"a":1,"b":2}""", true)]
    [InlineData("'b' in self", """{"a":1,"b":2}""", true)]
    [InlineData("self.ratio > 0.5", """{"ratio":0.75}""", true)]
    [InlineData("self.image.matches('^[a-z]+:[0-9.]+$')", """{"image":"nginx:1.25"}""", true)]
    [InlineData("self.?optional.orValue('none') == 'none'", """{}""", true)]
    [InlineData("self.x__dash__y == 1 && self.__namespace__ == 'ns' && self.a__dot__b == 2", """{"x-y":1,"namespace":"ns","a.b":2}""", true)]
    [InlineData("has(self.x__dash__y) && self['x-y'] == 1", """{"x-y":1}""", true)]
    public void A_rule_evaluates_over_the_object_as_kube_apiserver_would(string rule, string self, bool expected)
    {
        var result = Cel.Rule(rule, self);

        Assert.True(result.Success, result.Error);
        Assert.Equal(expected, result.Value);
    }

    [Theory]
    [InlineData("self == oldSelf", "\"a\"", "\"a\"", true)]
    [InlineData("self == oldSelf", "\"b\"", "\"a\"", false)]
    [InlineData("self.replicas >= oldSelf.replicas", """{"replicas":3}""", """{"replicas":2}""", true)]
    [InlineData("self.replicas >= oldSelf.replicas", """{"replicas":1}""", """{"replicas":2}""", false)]
    [InlineData("oldSelf.items.all(x, x in self.items)", """{"items":[1,2,3]}""", """{"items":[1,3]}""", true)]
    public void A_transition_rule_compares_the_new_object_with_the_old(string rule, string self, string oldSelf, bool expected)
    {
        var result = Cel.Rule(rule, self, oldSelf);

        Assert.True(result.Success, result.Error);
        Assert.Equal(expected, result.Value);
    }

    [Fact]
    public void A_missing_field_is_an_evaluation_error_with_the_key_named()
    {
        var result = Cel.Rule("self.spec.foo == 'x'", """{"spec":{}}""");

        Assert.False(result.Success);
        Assert.Equal("no such key: foo", result.Error);
    }

    [Fact]
    public void Comparing_a_string_with_a_number_is_a_no_such_overload_error()
    {
        var result = Cel.Rule("self.name < 3", """{"name":"x"}""");

        Assert.False(result.Success);
        Assert.StartsWith("no such overload", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_that_does_not_yield_a_bool_is_not_true()
    {
        var result = Cel.Rule("self.name", """{"name":"x"}""");

        Assert.True(result.Success);
        Assert.False(result.IsTrue);
        Assert.Equal("x", result.Value);
    }
}
