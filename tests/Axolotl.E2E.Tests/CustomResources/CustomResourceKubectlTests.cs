using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.CustomResources;

/// <summary>
/// A CustomResourceDefinition through the real kubectl: applied and waited for, its objects applied,
/// listed with their printer columns and short name, patched, refused when invalid, their status
/// written through the subresource, and all of them gone with the CRD. No restart anywhere. Their CEL
/// rules (x-kubernetes-validations) refuse what they should with the message kubectl users expect.
/// </summary>
// Never in the collection of CustomResourceHelmTests or ApiServiceTests: each defines a kind Widget, and kubectl's bare "widget" would find another group's.
[Collection(SharedServerGCollection.Name)]
public sealed class CustomResourceKubectlTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    /// <summary>The widgets CRD of group <paramref name="group"/> (each test its own: CRDs are cluster-wide).</summary>
    public static string Definition(string group) => """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.GROUP
        spec:
          group: GROUP
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            shortNames: [wdg]
            categories: [all]
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - {name: Size, type: string, jsonPath: .spec.size}
            - {name: Replicas, type: integer, jsonPath: .spec.replicas}
            - {name: Ready, type: string, jsonPath: .status.ready}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: string, enum: [small, large]}
                      replicas: {type: integer, minimum: 0, default: 1}
                  status:
                    type: object
                    properties:
                      ready: {type: string}
        """.Replace("GROUP", group, StringComparison.Ordinal);

    private static string Widget(string group, string name, string spec) => $"""
        apiVersion: {group}/v1
        kind: Widget
        metadata:
          name: {name}
        spec: {spec}
        """;

    [Fact]
    public async Task A_CRD_is_served_without_a_restart_and_its_objects_behave_like_built_ins()
    {
        const string group = "e2e.example.com";
        var ns = await fx.NewNamespaceAsync("crd");
        await fx.Kubectl.OkWithInputAsync(Definition(group), "apply", "-f", "-");
        await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/widgets.{group}");

        await fx.Kubectl.OkWithInputAsync(Widget(group, "w1", "{size: small}") + "\n---\n" + Widget(group, "w2", "{size: large, replicas: 3}"), "apply", "-n", ns, "-f", "-");

        var table = await fx.Kubectl.OkAsync("get", "widgets", "-n", ns);
        var lines = table.Trim().Split('\n');
        Assert.Matches(@"^NAME\s+SIZE\s+REPLICAS\s+READY$", lines[0]);
        // No status yet: the Ready cell is empty (kubectl prints nil cells as <none>).
        Assert.Matches(@"^w1\s+small\s+1(\s+<none>)?\s*$", lines[1]);
        Assert.Matches(@"^w2\s+large\s+3(\s+<none>)?\s*$", lines[2]);
        Assert.Equal("widget.e2e.example.com/w1\nwidget.e2e.example.com/w2", (await fx.Kubectl.OkAsync("get", "wdg", "-n", ns, "-o", "name")).Trim());
        Assert.Contains("widget.e2e.example.com/w1", await fx.Kubectl.OkAsync("get", "all", "-n", ns, "-o", "name"));
        Assert.Matches(@"widgets\s+wdg\s+e2e\.example\.com/v1\s+true\s+Widget", await fx.Kubectl.OkAsync("api-resources", "--api-group", group));

        await fx.Kubectl.OkAsync("patch", "widget", "w1", "-n", ns, "--type", "merge", "-p", """{"spec":{"replicas":2}}""");
        await fx.Kubectl.OkAsync("patch", "widget", "w1", "-n", ns, "--type", "json", "-p", """[{"op":"replace","path":"/spec/size","value":"large"}]""");
        Assert.Equal("large/2/3", await fx.Kubectl.OkAsync("get", "widget", "w1", "-n", ns, "-o", "jsonpath={.spec.size}/{.spec.replicas}/{.metadata.generation}"));

        var invalid = await fx.Kubectl.FailAsync("patch", "widget", "w1", "-n", ns, "--type", "merge", "-p", """{"spec":{"replicas":"many"}}""");
        Assert.Contains("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"", invalid);
        var badEnum = await fx.Kubectl.FailWithInputAsync(Widget(group, "w3", "{size: medium}"), "apply", "-n", ns, "-f", "-");
        Assert.Contains("spec.size: Unsupported value: \"medium\": supported values: \"small\", \"large\"", badEnum);

        await fx.Kubectl.OkAsync("patch", "widget", "w1", "-n", ns, "--subresource", "status", "--type", "merge", "-p", """{"status":{"ready":"yes"}}""");
        Assert.Matches(@"^w1\s+large\s+2\s+yes$", (await fx.Kubectl.OkAsync("get", "widget", "w1", "-n", ns, "--no-headers")).Trim());
        Assert.Equal("3", await fx.Kubectl.OkAsync("get", "widget", "w1", "-n", ns, "-o", "jsonpath={.metadata.generation}"));

        await fx.Kubectl.OkAsync("delete", "crd", $"widgets.{group}", "--timeout", "60s");
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "crd", $"widgets.{group}", "--ignore-not-found", "-o", "name"));
        // kubectl may still have widgets in its discovery cache: either it no longer knows the type, or the server says 404.
        Assert.Matches("doesn't have a resource type \"widgets\"|could not find the requested resource", await fx.Kubectl.FailAsync("get", "widgets", "-n", ns));
    }

    [Fact]
    public async Task Kubectl_scale_writes_the_replicas_path_the_CRD_names_and_reads_its_selector()
    {
        const string group = "scale.e2e.example.com";
        var ns = await fx.NewNamespaceAsync("crd-scale");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: pools.{{group}}}
            spec:
              group: {{group}}
              scope: Namespaced
              names: {plural: pools, kind: Pool}
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                  scale: {specReplicasPath: .spec.workers.desired, statusReplicasPath: .status.workers.ready, labelSelectorPath: .status.workers.selector}
                schema:
                  openAPIV3Schema:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
            """, "apply", "-f", "-");
        await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/pools.{group}");
        await fx.Kubectl.OkWithInputAsync($"apiVersion: {group}/v1\nkind: Pool\nmetadata:\n  name: p\nspec:\n  workers: {{desired: 1}}\n", "apply", "-n", ns, "-f", "-");

        await fx.Kubectl.OkAsync("scale", "pool", "p", "-n", ns, "--replicas", "4");

        Assert.Equal("4", await fx.Kubectl.OkAsync("get", "pool", "p", "-n", ns, "-o", "jsonpath={.spec.workers.desired}"));
        await fx.Kubectl.OkAsync("patch", "pool", "p", "-n", ns, "--subresource", "status", "--type", "merge", "-p", """{"status":{"workers":{"ready":3,"selector":"app=pool"}}}""");
        var scale = await fx.Kubectl.OkAsync("get", "--raw", $"/apis/{group}/v1/namespaces/{ns}/pools/p/scale");
        Assert.Contains("\"spec\":{\"replicas\":4}", scale, StringComparison.Ordinal);
        Assert.Contains("\"status\":{\"replicas\":3,\"selector\":\"app=pool\"}", scale, StringComparison.Ordinal);
        // A precondition that no longer holds is refused, as for built-ins.
        Assert.Contains("Expected replicas to be 2, was 4", await fx.Kubectl.FailAsync("scale", "pool", "p", "-n", ns, "--replicas", "5", "--current-replicas", "2"));
    }

    [Fact]
    public async Task Server_side_apply_owns_the_fields_it_sets_on_a_custom_resource()
    {
        const string group = "ssa.e2e.example.com";
        var ns = await fx.NewNamespaceAsync("crd-ssa");
        await fx.Kubectl.OkWithInputAsync(Definition(group), "apply", "-f", "-");
        await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/widgets.{group}");

        await fx.Kubectl.OkWithInputAsync(Widget(group, "w", "{size: small, replicas: 2}"), "apply", "--server-side", "--field-manager", "alice", "-n", ns, "-f", "-");
        Assert.Equal("small/2", await fx.Kubectl.OkAsync("get", "widget", "w", "-n", ns, "-o", "jsonpath={.spec.size}/{.spec.replicas}"));
        var managers = await fx.Kubectl.OkAsync("get", "widget", "w", "-n", ns, "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[*].manager}:{.metadata.managedFields[*].operation}");
        Assert.Equal("alice:Apply", managers);

        // Another manager setting a field alice owns conflicts; with --force-conflicts it takes it over.
        var conflict = await fx.Kubectl.FailWithInputAsync(Widget(group, "w", "{size: large}"), "apply", "--server-side", "--field-manager", "bob", "-n", ns, "-f", "-");
        Assert.Contains("conflict", conflict, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(".spec.size", conflict, StringComparison.Ordinal);
        await fx.Kubectl.OkWithInputAsync(Widget(group, "w", "{size: large}"), "apply", "--server-side", "--force-conflicts", "--field-manager", "bob", "-n", ns, "-f", "-");
        Assert.Equal("large/2", await fx.Kubectl.OkAsync("get", "widget", "w", "-n", ns, "-o", "jsonpath={.spec.size}/{.spec.replicas}"));

        // Alice drops replicas from her configuration: the field she alone owned goes (the schema's default comes back).
        await fx.Kubectl.OkWithInputAsync(Widget(group, "w", "{size: large}"), "apply", "--server-side", "--force-conflicts", "--field-manager", "alice", "-n", ns, "-f", "-");
        Assert.Equal("large/1", await fx.Kubectl.OkAsync("get", "widget", "w", "-n", ns, "-o", "jsonpath={.spec.size}/{.spec.replicas}"));
    }

    [Fact]
    public async Task CEL_rules_refuse_a_violating_object_and_a_change_to_an_immutable_field()
    {
        const string group = "cel.e2e.example.com";
        var ns = await fx.NewNamespaceAsync("crd-cel");
        var crd = $$"""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gadgets.{{group}}}
            spec:
              group: {{group}}
              scope: Namespaced
              names: {plural: gadgets, kind: Gadget}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        x-kubernetes-validations:
                        - {rule: "self.replicas <= self.max", messageExpression: "'replicas %d must not exceed max %d'.format([self.replicas, self.max])"}
                        properties:
                          replicas: {type: integer}
                          max: {type: integer}
                          size:
                            type: string
                            x-kubernetes-validations:
                            - {rule: "self == oldSelf", message: "size is immutable"}
            """;
        var broken = await fx.Kubectl.FailWithInputAsync(crd.Replace("self.replicas <= self.max", "self.replicas <= foo", StringComparison.Ordinal), "apply", "-f", "-");
        Assert.Contains("undeclared reference to 'foo'", broken, StringComparison.Ordinal);
        // cel-go checks a literal format call when it compiles: %d of a string is refused with the CRD.
        var badFormat = await fx.Kubectl.FailWithInputAsync(crd.Replace("[self.replicas, self.max]", "[self.size, self.max]", StringComparison.Ordinal), "apply", "-f", "-");
        Assert.Contains("decimal clause can only be used on integers, was given string", badFormat, StringComparison.Ordinal);
        await fx.Kubectl.OkWithInputAsync(crd, "apply", "-f", "-");
        await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/gadgets.{group}");
        string Gadget(string spec) => $"apiVersion: {group}/v1\nkind: Gadget\nmetadata:\n  name: g\nspec: {spec}\n";

        var violating = await fx.Kubectl.FailWithInputAsync(Gadget("{size: small, replicas: 5, max: 3}"), "apply", "-n", ns, "-f", "-");
        Assert.Contains("spec: Invalid value: \"object\": replicas 5 must not exceed max 3", violating, StringComparison.Ordinal);

        await fx.Kubectl.OkWithInputAsync(Gadget("{size: small, replicas: 1, max: 3}"), "apply", "-n", ns, "-f", "-");
        var immutable = await fx.Kubectl.FailAsync("patch", "gadget", "g", "-n", ns, "--type", "merge", "-p", """{"spec":{"size":"large"}}""");
        Assert.Contains("spec.size: Invalid value: \"string\": size is immutable", immutable, StringComparison.Ordinal);
        await fx.Kubectl.OkAsync("patch", "gadget", "g", "-n", ns, "--type", "merge", "-p", """{"spec":{"replicas":2}}""");
    }

    [Fact]
    public async Task A_default_that_breaks_a_rule_a_name_the_format_library_refuses_and_negative_scale_are_refused()
    {
        const string group = "formats.e2e.example.com";
        var ns = await fx.NewNamespaceAsync("crd-format");
        var crd = $$"""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: fleets.{{group}}}
            spec:
              group: {{group}}
              scope: Namespaced
              names: {plural: fleets, kind: Fleet}
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          replicas: {type: integer, default: 1}
                          host:
                            type: string
                            maxLength: 253
                            default: DEFAULT
                            x-kubernetes-validations:
                            - rule: "!format.dns1123Subdomain().validate(self).hasValue()"
                              # Not join(): the list's size is unknown, so its estimated cost would be refused, as upstream's.
                              messageExpression: "format.dns1123Subdomain().validate(self).value()[0]"
                      status:
                        type: object
                        properties:
                          replicas: {type: integer}
            """;
        // Upstream's ValidateDefaults runs the rules on each default when the CRD is written.
        var badDefault = await fx.Kubectl.FailWithInputAsync(crd, "apply", "-f", "-");
        Assert.Contains("spec.validation.openAPIV3Schema.properties[spec].properties[host].default: Invalid value: \"string\": a lowercase RFC 1123 subdomain must consist of",
            badDefault, StringComparison.Ordinal);
        await fx.Kubectl.OkWithInputAsync(crd.Replace("DEFAULT", "pool.example.com", StringComparison.Ordinal), "apply", "-f", "-");
        await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/fleets.{group}");
        string Fleet(string spec) => $"apiVersion: {group}/v1\nkind: Fleet\nmetadata:\n  name: p\nspec: {spec}\n";

        var badHost = await fx.Kubectl.FailWithInputAsync(Fleet("{host: Not_A_Host}"), "apply", "-n", ns, "-f", "-");
        Assert.Contains("spec.host: Invalid value: \"string\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters", badHost, StringComparison.Ordinal);
        await fx.Kubectl.OkWithInputAsync(Fleet("{}"), "apply", "-n", ns, "-f", "-");
        Assert.Equal("pool.example.com 1", await fx.Kubectl.OkAsync("get", "fleet", "p", "-n", ns, "-o", "jsonpath={.spec.host} {.spec.replicas}"));

        // kubectl scale itself refuses a negative count, so the Scale is patched as an autoscaler would write it.
        var negative = await fx.Kubectl.FailAsync("patch", "fleet", "p", "-n", ns, "--subresource", "scale", "--type", "merge", "-p", """{"spec":{"replicas":-1}}""");
        Assert.Contains("The Fleet \"p\" is invalid: .spec.replicas: Invalid value: -1: should be a non-negative integer", negative, StringComparison.Ordinal);
        await fx.Kubectl.OkAsync("scale", "fleet", "p", "-n", ns, "--replicas", "3");
        Assert.Equal("3", await fx.Kubectl.OkAsync("get", "fleet", "p", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
    }

    [Fact]
    public async Task A_route_CRD_with_bounded_nested_lists_is_accepted_and_the_same_rules_on_an_unbounded_list_are_refused()
    {
        // Shaped like the Gateway API's HTTPRoute: rules (maxItems 16) of matches (maxItems 64) whose path has rules.
        const string group = "cost.e2e.example.com";
        var ns = await fx.NewNamespaceAsync("crd-cost");
        var crd = $$"""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: routes.{{group}}}
            spec:
              group: {{group}}
              scope: Namespaced
              names: {plural: routes, kind: Route}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          rules:
                            type: array
                            maxItems: 16
                            items:
                              type: object
                              properties:
                                matches:
                                  type: array
                                  maxItems: 64
                                  x-kubernetes-validations:
                                  - {rule: "self.all(m1, self.exists_one(m2, m1.path.type == m2.path.type))", message: "one match per path type"}
                                  items:
                                    type: object
                                    properties:
                                      path:
                                        type: object
                                        x-kubernetes-validations:
                                        - {rule: "!self.value.contains('//')", message: "must not contain '//'"}
                                        properties:
                                          type: {type: string, enum: [Exact, PathPrefix, RegularExpression]}
                                          value: {type: string, maxLength: 1024}
            """;
        var unbounded = await fx.Kubectl.FailWithInputAsync(crd.Replace("maxItems: 64", "minItems: 0", StringComparison.Ordinal).Replace("routes.", "unboundedroutes.", StringComparison.Ordinal)
            .Replace("plural: routes, kind: Route", "plural: unboundedroutes, kind: UnboundedRoute", StringComparison.Ordinal), "apply", "-f", "-");
        Assert.Contains("spec.validation.openAPIV3Schema.properties[spec].properties[rules].items.properties[matches].items.properties[path].x-kubernetes-validations[0].rule: "
            + "Forbidden: estimated rule cost exceeds budget by factor of 43.3x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)",
            unbounded, StringComparison.Ordinal);

        await fx.Kubectl.OkWithInputAsync(crd, "apply", "-f", "-");
        await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/routes.{group}");
        var route = $"apiVersion: {group}/v1\nkind: Route\nmetadata:\n  name: r\nspec:\n  rules:\n  - matches:\n    - path: {{type: PathPrefix, value: '/a//b'}}\n";
        var violating = await fx.Kubectl.FailWithInputAsync(route, "apply", "-n", ns, "-f", "-");
        Assert.Contains("spec.rules[0].matches[0].path: Invalid value: \"object\": must not contain '//'", violating, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneOf_anyOf_and_not_with_required_inside_refuse_what_they_should_with_upstreams_wording()
    {
        const string group = "junctors.e2e.example.com";
        var ns = await fx.NewNamespaceAsync("crd-junctors");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: issuers.{{group}}}
            spec:
              group: {{group}}
              scope: Namespaced
              names: {plural: issuers, kind: Issuer}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        description: Exactly one of acme or ca.
                        oneOf:
                        - required: [acme]
                        - required: [ca]
                        not:
                          required: [selfSigned, ca]
                        properties:
                          selfSigned: {type: boolean}
                          ca:
                            type: object
                            properties:
                              secretName: {type: string}
                          acme:
                            type: object
                            anyOf:
                            - required: [email]
                            - required: [server]
                            properties:
                              email: {type: string}
                              server: {type: string}
                          port:
                            x-kubernetes-int-or-string: true
                            anyOf: [{type: integer}, {type: string}]
            """, "apply", "-f", "-");
        await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/issuers.{group}");
        string Issuer(string name, string spec) => $"apiVersion: {group}/v1\nkind: Issuer\nmetadata:\n  name: {name}\nspec: {spec}\n";

        var neither = await fx.Kubectl.FailWithInputAsync(Issuer("i1", "{selfSigned: true}"), "apply", "--validate=strict", "-n", ns, "-f", "-");
        Assert.Contains("<nil>: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found none valid", neither, StringComparison.Ordinal);
        Assert.Contains("spec.acme: Required value", neither, StringComparison.Ordinal);
        var noContact = await fx.Kubectl.FailWithInputAsync(Issuer("i2", "{acme: {}}"), "apply", "-n", ns, "-f", "-");
        Assert.Contains("\"spec.acme\" must validate at least one schema (anyOf)", noContact, StringComparison.Ordinal);
        var both = await fx.Kubectl.FailWithInputAsync(Issuer("i3", "{ca: {}, selfSigned: true}"), "apply", "-n", ns, "-f", "-");
        Assert.Contains("\"spec\" must not validate the schema (not)", both, StringComparison.Ordinal);

        await fx.Kubectl.OkWithInputAsync(Issuer("i4", "{acme: {email: a@example.com}, port: 443}") + "---\n" + Issuer("i5", "{ca: {secretName: s}, port: https}"),
            "apply", "--validate=strict", "-n", ns, "-f", "-");
        Assert.Equal("i4 i5", await fx.Kubectl.OkAsync("get", "issuers", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}"));
        var explained = await fx.Kubectl.OkAsync("explain", $"issuers.spec", "--api-version", $"{group}/v1");
        Assert.Contains("acme", explained, StringComparison.Ordinal);
        // The schema's descriptions are published, as upstream's: kubectl explain prints them.
        Assert.Contains("Exactly one of acme or ca.", explained, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tightened_schema_lets_updates_keep_stored_values_but_refuses_new_invalid_ones()
    {
        // Validation ratcheting (CRDValidationRatcheting): an update is judged only on what it changes.
        const string group = "ratchet.e2e.example.com";
        var ns = await fx.NewNamespaceAsync("crd-ratchet");
        string Crd(string nameRule, string tierRule, string phaseRule) => $$"""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gizmos.{{group}}}
            spec:
              group: {{group}}
              scope: Namespaced
              names: {plural: gizmos, kind: Gizmo}
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          name: {type: string{{nameRule}}}
                          size: {type: integer}
                          tier: {type: string{{tierRule}}}
                      status:
                        type: object
                        properties:
                          phase: {type: string{{phaseRule}}}
                          ready: {type: boolean}
            """;
        string Gizmo(string name) => $"apiVersion: {group}/v1\nkind: Gizmo\nmetadata:\n  name: {name}\nspec: {{name: toolong, size: 1, tier: bronze}}\n";
        await fx.Kubectl.OkWithInputAsync(Crd("", "", ""), "apply", "-f", "-");
        await fx.Kubectl.OkAsync("wait", "--for", "condition=established", "--timeout", "30s", $"crd/gizmos.{group}");
        await fx.Kubectl.OkWithInputAsync(Gizmo("g"), "apply", "-n", ns, "-f", "-");
        await fx.Kubectl.OkAsync("patch", "gizmo", "g", "-n", ns, "--subresource", "status", "--type", "merge", "-p", """{"status":{"phase":"Pending"}}""");

        await fx.Kubectl.OkWithInputAsync(Crd(", maxLength: 4", ", x-kubernetes-validations: [{rule: \"self in ['gold', 'silver']\", message: tier must be gold or silver}]", ", enum: [Ready, Failed]"),
            "apply", "-f", "-");
        var refused = await Eventually.UntilAsync(() => fx.Kubectl.RunAsync(["create", "--dry-run=server", "-n", ns, "-f", "-"], Gizmo("new")),
            r => r.ExitCode != 0, "the tightened schema to refuse a new gizmo");
        Assert.Contains("spec.name: Too long: must have at most 4 bytes", refused.Output, StringComparison.Ordinal);

        // An unrelated field changes: the stored name and tier stay; the rule's failure comes back as a warning.
        var kept = await fx.Kubectl.RunAsync("patch", "gizmo", "g", "-n", ns, "--type", "merge", "-p", """{"spec":{"size":2}}""");
        Assert.True(kept.ExitCode == 0, kept.ToString());
        Assert.Contains("Warning: spec.tier: Invalid value: \"string\": tier must be gold or silver", kept.Stderr, StringComparison.Ordinal);
        // The invalid field changes to another invalid value: refused in upstream's words, and the rules wait for a valid object.
        var changed = await fx.Kubectl.FailAsync("patch", "gizmo", "g", "-n", ns, "--type", "merge", "-p", """{"spec":{"name":"longer"}}""");
        Assert.Contains("spec.name: Too long: must have at most 4 bytes", changed, StringComparison.Ordinal);
        Assert.Contains("<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
            changed, StringComparison.Ordinal);
        var retiered = await fx.Kubectl.FailAsync("patch", "gizmo", "g", "-n", ns, "--type", "merge", "-p", """{"spec":{"tier":"copper","name":"ok"}}""");
        Assert.Contains("spec.tier: Invalid value: \"string\": tier must be gold or silver", retiered, StringComparison.Ordinal);

        // The status subresource ratchets too: a controller can report readiness beside a phase the schema no longer allows.
        await fx.Kubectl.OkAsync("patch", "gizmo", "g", "-n", ns, "--subresource", "status", "--type", "merge", "-p", """{"status":{"ready":true}}""");
        var phase = await fx.Kubectl.FailAsync("patch", "gizmo", "g", "-n", ns, "--subresource", "status", "--type", "merge", "-p", """{"status":{"phase":"Unknown"}}""");
        Assert.Contains("status.phase: Unsupported value: \"Unknown\": supported values: \"Ready\", \"Failed\"", phase, StringComparison.Ordinal);
        Assert.Equal("2/toolong/Pending/true", await fx.Kubectl.OkAsync("get", "gizmo", "g", "-n", ns, "-o", "jsonpath={.spec.size}/{.spec.name}/{.status.phase}/{.status.ready}"));
        Assert.Matches(@"(?m)^apiextensions_apiserver_validation_ratcheting_seconds_count [1-9]", await fx.Kubectl.OkAsync("get", "--raw", "/metrics"));
        await fx.Kubectl.OkAsync("delete", "crd", $"gizmos.{group}", "--wait=false");
    }
}
