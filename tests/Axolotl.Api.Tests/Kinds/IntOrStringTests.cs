using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Kinds;

public sealed class IntOrStringTests
{
    [Theory]
    [InlineData("8080", true, 8080, "")]
    [InlineData("\"http\"", false, 0, "http")]
    [InlineData("\"25%\"", false, 0, "25%")]
    public void Json_numbers_and_strings_round_trip_in_their_own_form(string json, bool isInt, int intValue, string stringValue)
    {
        var value = JsonSerializer.Deserialize<IntOrString>(json, KubeJson.Options);
        Assert.Equal(isInt, value.IsInt);
        Assert.Equal(intValue, value.IntValue);
        Assert.Equal(stringValue, value.StringValue);
        Assert.Equal(json, JsonSerializer.Serialize(value, KubeJson.Options));
    }

    [Fact]
    public void Fractional_numbers_are_rejected()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<IntOrString>("1.5", KubeJson.Options));
    }

    [Theory]
    [InlineData("25%", 10, true, 3)]
    [InlineData("25%", 10, false, 2)]
    [InlineData("100%", 7, false, 7)]
    [InlineData("0%", 7, true, 0)]
    public void Percentages_scale_against_the_total_rounding_as_asked(string percent, int total, bool roundUp, int expected)
    {
        Assert.Equal(expected, IntOrString.FromString(percent).GetScaledValue(total, roundUp));
    }

    [Fact]
    public void Integers_scale_to_themselves_and_other_strings_fail()
    {
        Assert.Equal(3, IntOrString.FromInt(3).GetScaledValue(100, true));
        Assert.Throws<FormatException>(() => IntOrString.FromString("abc").GetScaledValue(10, true));
    }

    [Fact]
    public void Equality_distinguishes_the_number_from_its_spelling()
    {
        Assert.Equal(IntOrString.FromInt(80), (IntOrString)80);
        Assert.NotEqual(IntOrString.FromInt(80), IntOrString.FromString("80"));
        Assert.True(IntOrString.FromString("80").TryGetInt(out var parsed));
        Assert.Equal(80, parsed);
    }
}
