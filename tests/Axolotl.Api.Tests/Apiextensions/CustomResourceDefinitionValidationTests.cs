using System.Text.Json.Nodes;
using Axolotl.Api.Apiextensions.Definitions;

namespace Axolotl.Api.Tests.Apiextensions;

public sealed class CustomResourceDefinitionValidationTests
{
    private static JsonObject Crd(string name = "widgets.example.com", string group = "example.com", string plural = "widgets", string versions = """
        [{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]
        """, string scope = "Namespaced", string? extraSpec = null) => JsonNode.Parse(
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":\"" + name + "\"}," +
        "\"spec\":{\"group\":\"" + group + "\",\"scope\":\"" + scope + "\",\"names\":{\"plural\":\"" + plural + "\",\"kind\":\"Widget\",\"shortNames\":[\"wd\"]}," +
        "\"versions\":" + versions + (extraSpec is null ? "" : "," + extraSpec) + "}}")!.AsObject();

    private static List<string> Errors(JsonObject crd, JsonObject? old = null) =>
        [.. CustomResourceDefinitionValidation.Validate(crd, old).Select(e => e.ToString())];

    [Fact]
    public void A_well_formed_definition_is_valid()
    {
        Assert.Empty(Errors(Crd()));
    }

    [Fact]
    public void The_name_must_be_plural_dot_group()
    {
        Assert.Contains("metadata.name: Invalid value: \"gadgets.example.com\": must be spec.names.plural+\".\"+spec.group", Errors(Crd(name: "gadgets.example.com")));
    }

    [Fact]
    public void A_group_without_a_dot_and_an_unknown_scope_are_refused()
    {
        Assert.Contains("spec.group: Invalid value: \"example\": should be a domain with at least one dot", Errors(Crd(name: "widgets.example", group: "example")));
        Assert.Contains("spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"", Errors(Crd(scope: "Global")));
    }

    [Fact]
    public void Exactly_one_storage_version_and_at_least_one_served_version_are_required()
    {
        var two = Errors(Crd(versions: """
            [{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}},
             {"name":"v2","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]
            """));
        Assert.Contains(two, e => e.StartsWith("spec.versions: Invalid value: ", StringComparison.Ordinal) && e.EndsWith(": must have exactly one version marked as storage version", StringComparison.Ordinal));

        var none = Errors(Crd(versions: """[{"name":"v1","served":false,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]"""));
        Assert.Contains(none, e => e.EndsWith(": must have at least one served version", StringComparison.Ordinal));
    }

    [Fact]
    public void A_version_needs_a_schema_whose_fields_have_types()
    {
        Assert.Contains("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required",
            Errors(Crd(versions: """[{"name":"v1","served":true,"storage":true}]""")));
        // One schema for every version is reported where upstream's internal version holds it.
        Assert.Contains("spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
            Errors(Crd(versions: """[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{}}}}}]""")));
        Assert.Contains("spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
            Errors(Crd(versions: """
                [{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}},
                 {"name":"v2","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{}}}}}]
                """)));
    }

    private static string Conversion(string webhook) => "\"conversion\":{\"strategy\":\"Webhook\"" + (webhook.Length > 0 ? ",\"webhook\":" + webhook : "") + "}";

    [Fact]
    public void A_conversion_webhook_with_a_url_or_a_service_and_a_review_version_this_server_speaks_is_valid()
    {
        Assert.Empty(Errors(Crd(extraSpec: Conversion("""{"clientConfig":{"url":"https://127.0.0.1:8443/convert","caBundle":"Zm9v"},"conversionReviewVersions":["v1"]}"""))));
        Assert.Empty(Errors(Crd(extraSpec: Conversion("""{"clientConfig":{"service":{"namespace":"ns","name":"conv","path":"/convert","port":9443}},"conversionReviewVersions":["v2","v1beta1"]}"""))));
    }

    [Fact]
    public void A_conversion_webhook_without_a_client_or_review_versions_is_refused_at_upstreams_internal_paths()
    {
        var errors = Errors(Crd(extraSpec: Conversion("")));
        Assert.Equal(["spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook", "spec.conversion.conversionReviewVersions: Required value"], errors);

        Assert.Contains("spec.conversion.webhookClientConfig: Required value: exactly one of url or service is required",
            Errors(Crd(extraSpec: Conversion("""{"clientConfig":{},"conversionReviewVersions":["v1"]}"""))));
    }

    [Fact]
    public void A_conversion_webhook_url_must_be_https_without_user_query_or_fragment()
    {
        var errors = Errors(Crd(extraSpec: Conversion("""{"clientConfig":{"url":"http://u:p@example.com/convert?x=1#f"},"conversionReviewVersions":["v1"]}""")));
        Assert.Contains("spec.conversion.webhookClientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]", errors);
        Assert.Contains("spec.conversion.webhookClientConfig.url: Invalid value: \"u:p\": user information is not permitted in the URL", errors);
        Assert.Contains("spec.conversion.webhookClientConfig.url: Invalid value: \"f\": fragments are not permitted in the URL", errors);
        Assert.Contains("spec.conversion.webhookClientConfig.url: Invalid value: \"x=1\": query parameters are not permitted in the URL", errors);
    }

    private static JsonObject Established(JsonObject crd)
    {
        crd["status"] = JsonNode.Parse("""{"conditions":[{"type":"Established","status":"True"}],"storedVersions":["v1"]}""");
        return crd;
    }

    [Fact]
    public void A_caBundle_that_is_not_PEM_is_accepted_on_create_and_refused_once_an_Established_CRD_had_a_usable_or_no_bundle()
    {
        var garbage = Crd(extraSpec: Conversion("""{"clientConfig":{"url":"https://example.com/convert","caBundle":"Zm9v"},"conversionReviewVersions":["v1"]}"""));
        Assert.Empty(Errors(garbage));
        Assert.Equal("unable to load root certificates: unable to parse bytes as PEM block", CustomResourceDefinitionValidation.ConversionCaBundleProblem(garbage));

        // Established with no caBundle: an update may not bring a bad one (upstream's words, the bytes as Go's %#v prints them).
        var established = Established(Crd(extraSpec: Conversion("""{"clientConfig":{"url":"https://example.com/convert"},"conversionReviewVersions":["v1"]}""")));
        Assert.Equal(["spec.conversion.webhookClientConfig.caBundle: Invalid value: []byte{0x66, 0x6f, 0x6f}: unable to load root certificates: unable to parse bytes as PEM block"],
            Errors(garbage, established));
        // Not yet Established, or its bundle unusable already: the update passes (the ratchet).
        Assert.Empty(Errors(garbage, Crd()));
        Assert.Empty(Errors(garbage, Established(Crd(extraSpec: Conversion("""{"clientConfig":{"url":"https://example.com/convert","caBundle":"YmFy"},"conversionReviewVersions":["v1"]}""")))));
    }

    [Fact]
    public void A_review_version_list_needs_one_this_server_speaks_unless_the_old_one_had_none_either()
    {
        var unknown = Conversion("""{"clientConfig":{"url":"https://example.com/convert"},"conversionReviewVersions":["v2","v2"]}""");
        var errors = Errors(Crd(extraSpec: unknown));
        Assert.Contains("spec.conversion.conversionReviewVersions[1]: Invalid value: \"v2\": duplicate version", errors);
        Assert.Contains("spec.conversion.conversionReviewVersions: Invalid value: []string{\"v2\", \"v2\"}: must include at least one of v1, v1beta1", errors);

        // Upstream's ratchet: an update keeps an unknown list that was already stored, and may not lose a known one.
        var old = Crd(extraSpec: Conversion("""{"clientConfig":{"url":"https://example.com/convert"},"conversionReviewVersions":["v3"]}"""));
        Assert.DoesNotContain(Errors(Crd(extraSpec: unknown), old), e => e.Contains("must include at least one of", StringComparison.Ordinal));
        Assert.Contains(Errors(Crd(extraSpec: unknown), Crd(extraSpec: Conversion("""{"clientConfig":{"url":"https://example.com/convert"},"conversionReviewVersions":["v1"]}"""))),
            e => e.Contains("must include at least one of v1, v1beta1", StringComparison.Ordinal));
    }

    [Fact]
    public void Strategy_None_takes_no_webhook_and_Webhook_needs_preserveUnknownFields_false()
    {
        var none = Errors(Crd(extraSpec: "\"conversion\":{\"strategy\":\"None\",\"webhook\":{\"clientConfig\":{\"url\":\"https://example.com\"},\"conversionReviewVersions\":[\"v1\"]}}"));
        Assert.Equal(["spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook",
            "spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook"], none);
        Assert.Contains("spec.conversion.strategy: Unsupported value: \"Bogus\": supported values: \"None\", \"Webhook\"",
            Errors(Crd(extraSpec: "\"conversion\":{\"strategy\":\"Bogus\"}")));
        Assert.Contains("spec.conversion.strategy: Invalid value: \"Webhook\": must be None if spec.preserveUnknownFields is true",
            Errors(Crd(extraSpec: "\"preserveUnknownFields\":true," + Conversion("""{"clientConfig":{"url":"https://example.com/convert"},"conversionReviewVersions":["v1"]}"""))));
    }

    [Fact]
    public void A_rule_is_checked_before_compiling_and_a_map_list_names_its_keys()
    {
        var errors = Errors(Crd(versions: """
            [{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object",
              "properties":{"a":{"type":"string"},"l":{"type":"array","x-kubernetes-list-type":"map","items":{"type":"object"}}},
              "x-kubernetes-validations":[{"rule":" "},{"rule":"true","fieldPath":".a"},{"rule":"true","fieldPath":"['b']"}]}}}}}]
            """));

        Assert.Equal([
            "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified",
            "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[2].fieldPath: Invalid value: \"['b']\": fieldPath must be a valid path",
            "spec.validation.openAPIV3Schema.properties[spec].properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map",
        ], errors);
    }

    [Fact]
    public void The_scope_cannot_change()
    {
        Assert.Contains("spec.scope: Invalid value: \"Cluster\": field is immutable", Errors(Crd(scope: "Cluster"), Crd()));
    }

    [Fact]
    public void Scale_paths_must_point_under_spec_and_status()
    {
        var errors = Errors(Crd(versions: """
            [{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}},
              "subresources":{"scale":{"specReplicasPath":".replicas","statusReplicasPath":".status.replicas"}}}]
            """));
        Assert.Equal(["spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \".replicas\": should be a json path under .spec"], errors);
    }

    [Fact]
    public void Served_versions_become_resource_types_in_kube_priority_order()
    {
        var crd = Crd(versions: """
            [{"name":"v1beta1","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object"}}},
             {"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}},"subresources":{"status":{}}},
             {"name":"v1alpha1","served":false,"storage":false,"schema":{"openAPIV3Schema":{"type":"object"}}}]
            """);

        var types = CustomResourceTypes.From(crd);

        Assert.Equal(["v1", "v1beta1"], types.Select(t => t.Version));
        Assert.All(types, t => Assert.Equal("example.com/widgets", t.StorageResource));
        Assert.Equal(["wd"], types[0].ShortNames);
        Assert.True(types[0].HasSubresource("status"));
        Assert.False(types[1].HasSubresource("status"));
        Assert.True(types[0].Namespaced);
    }

    [Fact]
    public void Scale_paths_with_array_notation_are_refused_rather_than_read_as_field_names()
    {
        var errors = Errors(Crd(versions: """
            [{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},
              "subresources":{"scale":{"specReplicasPath":".spec.pools[0].replicas","statusReplicasPath":".status.replicas","labelSelectorPath":".status..selector"}}}]
            """));

        Assert.Equal([
            "spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \".spec.pools[0].replicas\": must be a json path in the form of .a.b.c",
            "spec.versions[0].subresources.scale.labelSelectorPath: Invalid value: \".status..selector\": must be a json path in the form of .a.b.c",
        ], errors);
    }
}
