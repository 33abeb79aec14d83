using Axolotl.Cel.Values;

namespace Axolotl.Cel.Tests;

/// <summary>Composited variables (ValidatingAdmissionPolicy's <c>variables</c>): computed on first read, once, and only if read.</summary>
public sealed class LazyObjectTests
{
    private static CelEvalResult Run(string expression, CelLazyObject variables)
    {
        var compiled = CelEnvironment.Create("variables").Compile(expression);
        Assert.True(compiled.Success, compiled.Error);
        return compiled.Program!.EvaluateValues(new Dictionary<string, object> { ["variables"] = variables });
    }

    [Fact]
    public void A_field_is_computed_once_however_often_it_is_read_and_never_when_unread()
    {
        var computed = new List<string>();
        var variables = new CelLazyObject(new Dictionary<string, Func<object>>
        {
            ["a"] = () => { computed.Add("a"); return 2L; },
            ["b"] = () => { computed.Add("b"); return new CelError("b failed"); },
        });

        Assert.Equal(4L, Run("variables.a + variables.a", variables).Value);
        Assert.Equal(["a"], computed);
    }

    [Fact]
    public void Has_optional_selection_and_errors_behave_as_on_an_object()
    {
        var variables = new CelLazyObject(new Dictionary<string, Func<object>> { ["a"] = () => 1L, ["b"] = () => new CelError("b failed") });

        Assert.Equal(true, Run("has(variables.a)", variables).Value);
        Assert.Equal(false, Run("has(variables.z)", variables).Value);
        Assert.Equal(7L, Run("variables.?z.orValue(7)", variables).Value);
        Assert.Equal("b failed", Run("variables.b == 1", variables).Error);
        Assert.Equal("no such key: z", Run("variables.z", variables).Error);
        // An error in an unread branch is absorbed like any other.
        Assert.Equal(true, Run("variables.a == 1 || variables.b", variables).Value);
    }
}
