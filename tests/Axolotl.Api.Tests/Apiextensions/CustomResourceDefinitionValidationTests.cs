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

    [Fact]
    public void Conversion_webhooks_are_refused_not_ignored()
    {
        var webhook = Errors(Crd(extraSpec: "\"conversion\":{\"strategy\":\"Webhook\"}"));
        Assert.Contains(webhook, e => e.StartsWith("spec.conversion.strategy: Forbidden: conversion webhooks are not supported", StringComparison.Ordinal));
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
