using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Schema;
using Axolotl.Api.Apiextensions.Structural;

namespace Axolotl.ApiServer.Tests.Apiextensions;

public sealed class ScaleValidationTests
{
    private static readonly ScaleSubresource Paths = new(".spec.replicas", ".status.replicas", ".status.selector");

    private static string[] Errors(string json, bool status = false)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        var errors = status ? ScaleValidation.ValidateStatus(Paths, obj) : ScaleValidation.ValidateSpec(Paths, obj).Concat(ScaleValidation.ValidateStatus(Paths, obj));
        return [.. errors.Select(e => e.ToString())];
    }

    [Fact]
    public void Absent_values_and_values_in_range_pass() =>
        Assert.Empty(Errors("""{"spec":{"replicas":0},"status":{"replicas":2147483647,"selector":"a=b"}}"""));

    [Fact]
    public void Negative_and_too_large_replicas_are_reported_at_the_path_as_the_CRD_writes_it() =>
        Assert.Equal([".spec.replicas: Invalid value: -1: should be a non-negative integer",
            ".status.replicas: Invalid value: 2147483648: should be less than or equal to 2147483647"],
            Errors("""{"spec":{"replicas":-1},"status":{"replicas":2147483648}}"""));

    [Fact]
    public void Values_of_the_wrong_type_get_the_unstructured_accessor_errors() =>
        Assert.Equal([".spec.replicas: Invalid value: 0: .spec.replicas accessor error: 1.5 is of the type float64, expected int64",
            ".status.replicas: Invalid value: 0: .status.replicas accessor error: [1 x] is of the type []interface {}, expected map[string]interface{}",
            ".status.selector: Invalid value: \"\": .status.selector accessor error: [1 x] is of the type []interface {}, expected map[string]interface{}"],
            Errors("""{"spec":{"replicas":1.5},"status":[1,"x"]}"""));

    [Fact]
    public void A_selector_that_is_not_a_string_is_refused_on_a_status_write() =>
        Assert.Equal([".status.selector: Invalid value: \"\": .status.selector accessor error: map[a:b] is of the type map[string]interface {}, expected string"],
            Errors("""{"spec":{"replicas":-1},"status":{"selector":{"a":"b"}}}""", status: true));
}
