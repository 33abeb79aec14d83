using Axolotl.Api.Core;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class MetadataValidationTests
{
    private const string Subdomain = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string Label = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private static string ConfigMap(string metadata) => $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{{{metadata}}}}""";

    [Fact]
    public void An_invalid_object_name_gets_the_upstream_subdomain_message()
    {
        Assert.Equal([$"metadata.name: Invalid value: \"Foo_bar\": {Subdomain}"], Errors<ConfigMap>(ConfigMap("""{"name":"Foo_bar","namespace":"default"}""")));
    }

    [Fact]
    public void A_missing_name_is_required_unless_generate_name_is_given()
    {
        Assert.Equal(["metadata.name: Required value: name or generateName is required"], Errors<ConfigMap>(ConfigMap("""{"namespace":"default"}""")));
        var withPrefix = Errors<ConfigMap>(ConfigMap("""{"generateName":"web-","namespace":"default"}"""));
        Assert.Equal(["metadata.name: Required value: name or generateName is required"], withPrefix);
    }

    [Fact]
    public void A_generate_name_may_end_in_a_dash_but_must_otherwise_be_valid()
    {
        var errors = Errors<ConfigMap>(ConfigMap("""{"name":"ok","generateName":"Web-","namespace":"default"}"""));
        Assert.Equal([$"metadata.generateName: Invalid value: \"Web-\": {Subdomain}"], errors);
    }

    [Fact]
    public void Namespaced_kinds_need_a_namespace_and_cluster_scoped_kinds_refuse_one()
    {
        Assert.Equal(["metadata.namespace: Required value"], Errors<ConfigMap>(ConfigMap("""{"name":"c"}""")));
        Assert.Equal(["metadata.namespace: Forbidden: not allowed on this type"], Errors<Node>("""{"metadata":{"name":"n","namespace":"default"}}"""));
    }

    [Fact]
    public void Namespace_names_must_be_dns_labels()
    {
        Assert.Equal([$"metadata.name: Invalid value: \"Team_A\": {Label}"], Errors<Namespace>("""{"metadata":{"name":"Team_A"}}"""));
        Assert.Equal(["metadata.name: Invalid value: \"team.a\": must not contain dots"], Errors<Namespace>("""{"metadata":{"name":"team.a"}}"""));
    }

    [Fact]
    public void Label_keys_and_values_are_checked_with_upstream_messages()
    {
        var errors = Errors<ConfigMap>(ConfigMap("""{"name":"c","namespace":"default","labels":{"bad key":"ok","good":"bad value!","example.com/":"x"}}"""));
        Assert.Equal(
        [
            "metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "metadata.labels: Invalid value: \"example.com/\": name part must be non-empty",
            "metadata.labels: Invalid value: \"example.com/\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ], errors);
    }

    [Fact]
    public void Label_values_longer_than_63_characters_are_rejected()
    {
        var value = new string('a', 64);
        var errors = Errors<ConfigMap>(ConfigMap($$$"""{"name":"c","namespace":"default","labels":{"k":"{{{value}}}"}}"""));
        Assert.Equal([$"metadata.labels: Invalid value: \"{value}\": must be no more than 63 characters"], errors);
    }

    [Fact]
    public void Label_checks_count_utf8_bytes_and_refuse_a_trailing_newline_like_upstream()
    {
        const string valueRule = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
        var wide = new string('\u00e9', 32);
        var errors = Errors<ConfigMap>(ConfigMap($$$"""{"name":"c","namespace":"default","labels":{"k":"{{{wide}}}","n":"abc\n"}}"""));
        Assert.Equal(
        [
            $"metadata.labels: Invalid value: \"{wide}\": must be no more than 63 characters",
            $"metadata.labels: Invalid value: \"{wide}\": {valueRule}",
            $"metadata.labels: Invalid value: \"abc\\n\": {valueRule}",
        ], errors);
    }

    [Fact]
    public void Annotations_over_256_kilobytes_in_total_are_too_long()
    {
        var big = new string('x', 256 * 1024);
        var errors = ObjectValidator.Validate(new ConfigMap { Metadata = new() { Name = "c", Namespace = "d", Annotations = new() { ["a"] = big } } }, null);
        var error = Assert.Single(errors);
        Assert.Equal("metadata.annotations: Too long: must have at most 262144 bytes", error.ToString());
        Assert.Equal("FieldValueTooLong", error.Reason);
    }

    [Fact]
    public void Finalizers_without_a_domain_must_be_standard()
    {
        var errors = Errors<ConfigMap>(ConfigMap("""{"name":"c","namespace":"default","finalizers":["custom","example.com/cleanup","foregroundDeletion"]}"""));
        Assert.Equal(["metadata.finalizers[0]: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified"], errors);
    }

    [Fact]
    public void Owner_references_need_every_identifying_field()
    {
        var errors = Errors<ConfigMap>(ConfigMap("""{"name":"c","namespace":"default","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"","uid":""}]}"""));
        Assert.Equal(
        [
            "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
            "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty",
        ], errors);
    }

    [Fact]
    public void Names_and_namespaces_cannot_change_on_update()
    {
        var old = Defaulted<ConfigMap>(ConfigMap("""{"name":"c","namespace":"default"}"""));
        var updated = Defaulted<ConfigMap>(ConfigMap("""{"name":"d","namespace":"default"}"""));
        Assert.Contains("metadata.name: Invalid value: \"d\": field is immutable", Errors(updated, old));
    }

    [Fact]
    public void Terminating_objects_cannot_gain_finalizers()
    {
        var old = Defaulted<ConfigMap>(ConfigMap("""{"name":"c","namespace":"default","deletionTimestamp":"2024-01-01T00:00:00Z","finalizers":["a.io/x"]}"""));
        var updated = Defaulted<ConfigMap>(ConfigMap("""{"name":"c","namespace":"default","deletionTimestamp":"2024-01-01T00:00:00Z","finalizers":["a.io/x","b.io/y"]}"""));
        Assert.Contains("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"b.io/y\"}", Errors(updated, old));
    }

    [Fact]
    public void Field_errors_carry_the_upstream_cause_types()
    {
        var path = FieldPath.Of("spec", "x");
        Assert.Equal("FieldValueRequired", FieldError.Required(path).Reason);
        Assert.Equal("FieldValueInvalid", FieldError.Invalid(path, 1, "bad").Reason);
        Assert.Equal("FieldValueNotSupported", FieldError.NotSupported(path, "a", ["b"]).Reason);
        Assert.Equal("FieldValueDuplicate", FieldError.Duplicate(path, "a").Reason);
        Assert.Equal("FieldValueForbidden", FieldError.Forbidden(path, "no").Reason);
        Assert.Equal("FieldValueTooLong", FieldError.TooLong(path, 5).Reason);
        Assert.Equal("FieldValueTypeInvalid", FieldError.TypeInvalid(path, "a", "x").Reason);
        Assert.Equal("FieldValueNotFound", FieldError.NotFound(path, "a").Reason);
        Assert.Equal("spec.x: Invalid value: null: bad", FieldError.Invalid(path, null, "bad").ToString());
        Assert.Equal("spec.x: Invalid value: true: bad", FieldError.Invalid(path, true, "bad").ToString());
        Assert.Equal("spec.x: Unsupported value: \"a\\\"b\": supported values: \"b\"", FieldError.NotSupported(path, "a\"b", ["b"]).ToString());
        Assert.Equal("spec.x[k]: Too many: 3: must have at most 2 items", FieldError.TooMany(path.Key("k"), 3, 2).ToString());
        Assert.Equal("metadata.name: Required value", FieldError.Required("metadata.name").ToString());
        Assert.Equal("spec.containers[0].image", FieldPath.Of("spec", "containers").Index(0).Child("image").ToString());
    }
}
