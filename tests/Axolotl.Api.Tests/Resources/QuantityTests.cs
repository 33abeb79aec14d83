using System.Text.Json;
using Axolotl.Api.Resources;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Tests.Resources;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("0", "0")]
    [InlineData("100m", "100m")]
    [InlineData("0.1", "100m")]
    [InlineData("1000m", "1")]
    [InlineData("1.5", "1500m")]
    [InlineData("250m", "250m")]
    [InlineData("1Gi", "1Gi")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("1024Mi", "1Gi")]
    [InlineData("1000Mi", "1000Mi")]
    [InlineData("0.5Gi", "512Mi")]
    [InlineData("0.5Ki", "512")]
    [InlineData("1023Ki", "1023Ki")]
    [InlineData("20134592Ki", "20134592Ki")]
    [InlineData("1k", "1k")]
    [InlineData("1000", "1k")]
    [InlineData("1500", "1500")]
    [InlineData("1.5k", "1500")]
    [InlineData("2M", "2M")]
    [InlineData("128974848", "128974848")]
    [InlineData("129e6", "129e6")]
    [InlineData("1e3", "1e3")]
    [InlineData("1E3", "1e3")]
    [InlineData("1e-3", "1e-3")]
    [InlineData("1E", "1E")]
    [InlineData("100n", "100n")]
    [InlineData("1u", "1u")]
    [InlineData("0.0000000001", "1n")]
    [InlineData("-100m", "-100m")]
    [InlineData("+5", "5")]
    [InlineData("1.G", "1G")]
    [InlineData("18556039957", "18556039957")]
    [InlineData("12Mi", "12Mi")]
    [InlineData("Mi", "0")]
    public void Parsing_then_formatting_gives_the_canonical_form_upstream_serializes(string input, string canonical)
    {
        Assert.Equal(canonical, Quantity.Parse(input).ToString());
    }

    [Theory]
    [InlineData("", Quantity.FormatWrongMessage)]
    [InlineData("abc", Quantity.FormatWrongMessage)]
    [InlineData("1.5.5", Quantity.FormatWrongMessage)]
    [InlineData("1Kb", Quantity.FormatWrongMessage)]
    [InlineData("1 Gi", Quantity.FormatWrongMessage)]
    [InlineData("1K", Quantity.SuffixMessage)]
    [InlineData("1e", Quantity.SuffixMessage)]
    [InlineData("--1", Quantity.SuffixMessage)]
    public void Malformed_quantities_are_rejected_with_upstream_messages(string input, string message)
    {
        Assert.False(Quantity.TryParse(input, out _, out var error));
        Assert.Equal(message, error);
        Assert.Equal(message, Assert.Throws<FormatException>(() => Quantity.Parse(input)).Message);
    }

    [Fact]
    public void The_format_error_quotes_the_upstream_regular_expression()
    {
        Assert.Equal("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", Quantity.FormatWrongMessage);
    }

    [Theory]
    [InlineData("1000m", "1")]
    [InlineData("1Ki", "1024")]
    [InlineData("1G", "1000M")]
    [InlineData("0.5", "500m")]
    public void Quantities_with_the_same_value_are_equal_whatever_their_format(string left, string right)
    {
        Assert.Equal(Quantity.Parse(left), Quantity.Parse(right));
        Assert.Equal(Quantity.Parse(left).GetHashCode(), Quantity.Parse(right).GetHashCode());
        Assert.Equal(0, Quantity.Parse(left).CompareTo(Quantity.Parse(right)));
    }

    [Theory]
    [InlineData("1G", "1Gi")]
    [InlineData("999m", "1")]
    [InlineData("-1", "0")]
    [InlineData("100Mi", "0.1Gi")]
    public void Ordering_follows_the_value(string smaller, string larger)
    {
        Assert.True(Quantity.Parse(smaller) < Quantity.Parse(larger));
        Assert.True(Quantity.Parse(larger) > Quantity.Parse(smaller));
        Assert.Equal(Quantity.Parse(larger), Quantity.Max(Quantity.Parse(smaller), Quantity.Parse(larger)));
    }

    [Theory]
    [InlineData("100m", "200m", "300m")]
    [InlineData("1Gi", "512Mi", "1536Mi")]
    [InlineData("0", "1Gi", "1Gi")]
    [InlineData("1", "500m", "1500m")]
    [InlineData("1500m", "500m", "2")]
    public void Sums_keep_the_left_format_unless_it_is_zero(string left, string right, string sum)
    {
        Assert.Equal(sum, (Quantity.Parse(left) + Quantity.Parse(right)).ToString());
    }

    [Fact]
    public void Subtraction_can_go_negative()
    {
        Assert.Equal("-500m", (Quantity.Parse("1") - Quantity.Parse("1500m")).ToString());
    }

    [Theory]
    [InlineData("1.5", 2, 1500)]
    [InlineData("100n", 1, 1)]
    [InlineData("1Gi", 1073741824, 1073741824000)]
    [InlineData("-1.5", -2, -1500)]
    [InlineData("0", 0, 0)]
    public void Values_round_away_from_zero(string text, long value, long milli)
    {
        var quantity = Quantity.Parse(text);
        Assert.Equal(value, quantity.Value());
        Assert.Equal(milli, quantity.MilliValue());
    }

    [Theory]
    [InlineData("100n", "1m")]
    [InlineData("1500u", "2m")]
    [InlineData("250m", "250m")]
    [InlineData("1Gi", "1Gi")]
    public void Rounding_up_to_milli_matches_resource_list_defaulting(string text, string rounded)
    {
        Assert.Equal(rounded, Quantity.Parse(text).RoundUp(-3).ToString());
    }

    [Fact]
    public void Binary_values_are_capped_at_the_int64_maximum()
    {
        Assert.Equal(long.MaxValue, Quantity.Parse("100000000Ei").Value());
    }

    [Theory]
    [InlineData("\"250m\"", "250m")]
    [InlineData("1.5", "1500m")]
    [InlineData("2", "2")]
    [InlineData("1e3", "1e3")]
    [InlineData("\" 1Gi \"", "1Gi")]
    public void Json_accepts_a_string_or_a_number_and_writes_the_canonical_string(string json, string canonical)
    {
        var quantity = JsonSerializer.Deserialize<Quantity>(json, KubeJson.Options);
        Assert.Equal(canonical, quantity.ToString());
        Assert.Equal($"\"{canonical}\"", JsonSerializer.Serialize(quantity, KubeJson.Options));
    }

    [Fact]
    public void Json_null_is_an_absent_optional_quantity()
    {
        Assert.Null(JsonSerializer.Deserialize<Quantity?>("null", KubeJson.Options));
    }

    [Fact]
    public void Invalid_json_quantities_fail_with_the_upstream_message()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Dictionary<string, Quantity>>("{\"cpu\":\"lots\"}", KubeJson.Options));
        Assert.Contains(Quantity.FormatWrongMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_methods_produce_the_expected_formats()
    {
        Assert.Equal("2", Quantity.FromUnits(2).ToString());
        Assert.Equal("250m", Quantity.FromMilli(250).ToString());
        Assert.Equal("256Mi", Quantity.FromBytes(256L * 1024 * 1024).ToString());
        Assert.Equal(QuantityFormat.BinarySI, Quantity.FromBytes(1024).Format);
    }
}
