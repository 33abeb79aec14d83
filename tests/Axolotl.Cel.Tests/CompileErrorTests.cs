namespace Axolotl.Cel.Tests;

/// <summary>Compile errors carry cel-go's layout, which kube-apiserver returns to the client verbatim.</summary>
public sealed class CompileErrorTests
{
    [Fact]
    public void An_undeclared_variable_is_reported_with_its_line_and_column()
    {
        var result = CelEnvironment.ForCustomResourceRules().Compile("self.a + foo");

        Assert.False(result.Success);
        Assert.Equal("compilation failed: ERROR: <input>:1:10: undeclared reference to 'foo' (in container '')\n | self.a + foo\n | .........^", result.Error);
    }

    [Fact]
    public void An_unknown_function_is_an_undeclared_reference()
    {
        var result = CelEnvironment.ForCustomResourceRules().Compile("self.frobnicate()");

        Assert.StartsWith("compilation failed: ERROR: <input>:1:16: undeclared reference to 'frobnicate'", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("self.a +")]
    [InlineData("self.a ==== 1")]
    [InlineData("'unterminated")]
    [InlineData("self.all(x)")]
    [InlineData("has(self)")]
    [InlineData("Foo{a: 1}")]
    public void Malformed_source_fails_to_compile(string source)
    {
        var result = CelEnvironment.ForCustomResourceRules().Compile(source);

        Assert.False(result.Success);
        Assert.StartsWith("compilation failed: ERROR: <input>:1:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused_at_compile_time_rather_than_overflowing_the_stack()
    {
        var source = new string('(', 5000) + "1" + new string(')', 5000);

        var result = CelEnvironment.Create().Compile(source);

        Assert.False(result.Success);
        Assert.Contains("recursion limit", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(" + 1")]
    [InlineData(".a")]
    [InlineData("[0]")]
    [InlineData(" == true")]
    public void A_long_operator_chain_is_refused_rather_than_overflowing_the_stack(string link)
    {
        var source = "self" + string.Concat(Enumerable.Repeat(link, 100_000));

        var result = CelEnvironment.ForCustomResourceRules().Compile(source[..Math.Min(source.Length, CelEnvironment.MaxExpressionLength)]);

        Assert.False(result.Success);
        Assert.Contains("recursion limit", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_within_the_limit_compiles_and_runs()
    {
        var source = "0" + string.Concat(Enumerable.Repeat(" + 1", 200));

        Assert.Equal("200", Cel.Json(source));
    }

    [Fact]
    public void Admission_variables_are_declared_in_the_admission_environment()
    {
        var result = CelEnvironment.ForAdmission().Compile("object.metadata.name == oldObject.metadata.name && request.operation == 'UPDATE'");

        Assert.True(result.Success, result.Error);
    }

    [Fact]
    public void Comprehension_variables_are_only_in_scope_inside_the_macro()
    {
        var result = CelEnvironment.ForCustomResourceRules().Compile("self.all(x, x > 0) && x > 0");

        Assert.False(result.Success);
        Assert.Contains("undeclared reference to 'x'", result.Error, StringComparison.Ordinal);
    }
}
