using System.Text.Json;
using Axolotl.Api.Core;
using Axolotl.ApiServer.Admission;

namespace Axolotl.ApiServer.Tests.Admission;

public sealed class ManagedFieldsProtectionTests
{
    private const string Recorded = """[{"manager":"creator","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}}]""";

    private static JsonElement List(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static ConfigMap WithManagedFields(string? json) =>
        new() { Metadata = new() { Name = "c", ManagedFields = json is null ? null : List(json) } };

    [Fact]
    public void A_list_admission_left_valid_is_kept_without_a_warning()
    {
        const string added = """[{"manager":"creator","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:k":{}}}},""" +
            """{"manager":"webhook","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:w":{}}}}]""";
        var admitted = WithManagedFields(added);
        var warnings = new List<string>();

        ManagedFieldsProtection.KeepValid(List(Recorded), admitted, warnings);

        Assert.Equal(2, admitted.Metadata.ManagedFields!.Value.GetArrayLength());
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData("""[{"manager":"creator","operation":"Patch","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{}}]""", "operation must be `Apply` or `Update`")]
    [InlineData("""[{"manager":"creator","operation":"Update","apiVersion":"v1","fieldsV1":{}}]""", "missing fieldsType in managed fields entry 0")]
    [InlineData("""{"manager":"creator"}""", "managedFields must be a list")]
    public void A_list_admission_left_invalid_is_put_back_with_upstreams_warning(string invalid, string reason)
    {
        var admitted = WithManagedFields(invalid);
        var warnings = new List<string>();

        ManagedFieldsProtection.KeepValid(List(Recorded), admitted, warnings);

        Assert.True(JsonElement.DeepEquals(List(Recorded), admitted.Metadata.ManagedFields!.Value));
        Assert.Equal([ManagedFieldsProtection.InvalidAfterAdmissionWarning + reason], warnings);
    }

    [Fact]
    public void Managed_fields_admission_removed_stay_removed()
    {
        var admitted = WithManagedFields(null);
        var warnings = new List<string>();

        ManagedFieldsProtection.KeepValid(List(Recorded), admitted, warnings);

        Assert.Null(admitted.Metadata.ManagedFields);
        Assert.Empty(warnings);
    }
}
