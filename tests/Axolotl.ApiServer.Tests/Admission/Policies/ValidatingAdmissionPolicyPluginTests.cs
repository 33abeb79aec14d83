using Axolotl.Api.Scheme;
using Axolotl.ApiServer.Errors;
using static Axolotl.ApiServer.Tests.Admission.Policies.PolicyFixture;

namespace Axolotl.ApiServer.Tests.Admission.Policies;

public sealed class ValidatingAdmissionPolicyPluginTests
{
    private readonly PolicyFixture _fx = new();

    private const string MaxReplicas = $$"""
        {"matchConstraints":{{Deployments}},
         "validations":[{"expression":"object.spec.replicas <= 5","message":"replicas must be no greater than 5"}]}
        """;

    [Fact]
    public async Task A_denying_binding_refuses_with_upstreams_wording_reason_and_code()
    {
        _fx.Cache.Set([Policy("max-replicas", MaxReplicas)], [Binding("max-replicas-binding", "max-replicas")]);

        var e = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("big", 7)));

        Assert.Equal(422, e.Code);
        Assert.Equal("Invalid", e.Status.Reason);
        const string denial = "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: replicas must be no greater than 5";
        Assert.Equal($"deployments.apps \"big\" is forbidden: {denial}", e.Status.Message);
        Assert.Equal(denial, Assert.Single(e.Status.Details!.Causes!).Message);
        Assert.Equal("deployments", e.Status.Details.Kind);
        await _fx.WriteAsync(KnownResources.Deployments, Deployment("small", 3));
    }

    [Fact]
    public async Task The_reason_sets_the_code_and_message_expression_the_message()
    {
        _fx.Cache.Set([Policy("p", $$"""
            {"matchConstraints":{{Deployments}},
             "validations":[{"expression":"object.spec.replicas <= 5","reason":"Forbidden","message":"static",
                             "messageExpression":"'asked for ' + string(object.spec.replicas) + ' replicas'"}]}
            """)], [Binding("b", "p")]);

        var e = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("big", 9)));

        Assert.Equal(403, e.Code);
        Assert.Equal("Forbidden", e.Status.Reason);
        Assert.EndsWith("denied request: asked for 9 replicas", e.Status.Message);
    }

    [Fact]
    public async Task Without_a_message_the_refusal_names_the_failed_expression()
    {
        _fx.Cache.Set([Policy("p", $$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"  object.spec.replicas < 2 "}]}""")], [Binding("b", "p")]);

        var e = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 3)));

        Assert.EndsWith("denied request: failed expression: object.spec.replicas < 2", e.Status.Message);
    }

    [Fact]
    public async Task A_warning_binding_admits_and_adds_upstreams_warning()
    {
        _fx.Cache.Set([Policy("max-replicas", MaxReplicas)], [Binding("warn", "max-replicas", """["Warn"]""")]);

        var warnings = await _fx.WriteAsync(KnownResources.Deployments, Deployment("big", 7));

        Assert.Equal("Validation failed for ValidatingAdmissionPolicy 'max-replicas' with binding 'warn': replicas must be no greater than 5", Assert.Single(warnings));
    }

    [Fact]
    public async Task Variables_are_composited_and_evaluated_only_when_read()
    {
        // 'unused' would fail if it ran; only 'replicas' and 'limit' are read.
        _fx.Cache.Set([Policy("p", $$"""
            {"matchConstraints":{{Deployments}},
             "variables":[{"name":"replicas","expression":"object.spec.replicas"},
                          {"name":"unused","expression":"object.spec.nothing.here"},
                          {"name":"limit","expression":"variables.replicas > 4 ? 4 : 10"}],
             "validations":[{"expression":"variables.replicas <= variables.limit","messageExpression":"'limit ' + string(variables.limit)"}]}
            """)], [Binding("b", "p")]);

        await _fx.WriteAsync(KnownResources.Deployments, Deployment("ok", 3));
        var e = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("big", 5)));
        Assert.EndsWith("denied request: limit 4", e.Status.Message);
    }

    [Fact]
    public async Task A_config_map_as_params_sets_the_limit_and_a_missing_one_follows_the_not_found_action()
    {
        var policy = Policy("p", $$"""
            {"paramKind":{"apiVersion":"v1","kind":"ConfigMap"},"matchConstraints":{{Deployments}},
             "validations":[{"expression":"object.spec.replicas <= int(params.data.maxReplicas)","messageExpression":"'at most ' + params.data.maxReplicas"}]}
            """);
        _fx.Cache.Set([policy], [Binding("b", "p", extra: ""","paramRef":{"name":"limits","namespace":"config","parameterNotFoundAction":"Deny"}""")]);

        var missing = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 1)));
        Assert.EndsWith("with binding 'b' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction", missing.Status.Message);

        await _fx.CreateAsync(KnownResources.ConfigMaps, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"limits","namespace":"config"},"data":{"maxReplicas":"3"}}""");
        await _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 3));
        var over = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 4)));
        Assert.EndsWith("denied request: at most 3", over.Status.Message);

        _fx.Cache.Set([policy], [Binding("b", "p", extra: ""","paramRef":{"name":"absent","namespace":"config","parameterNotFoundAction":"Allow"}""")]);
        await _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 40));
    }

    [Fact]
    public async Task Params_found_by_selector_are_each_evaluated_in_the_requests_namespace()
    {
        var policy = Policy("p", $$"""
            {"paramKind":{"apiVersion":"v1","kind":"ConfigMap"},"matchConstraints":{{Deployments}},
             "validations":[{"expression":"object.spec.replicas <= int(params.data.max)","messageExpression":"string(params.metadata.name)"}]}
            """);
        _fx.Cache.Set([policy], [Binding("b", "p", extra: ""","paramRef":{"selector":{"matchLabels":{"limit":"yes"}},"parameterNotFoundAction":"Allow"}""")]);
        await _fx.CreateAsync(KnownResources.ConfigMaps, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"loose","namespace":"apps","labels":{"limit":"yes"}},"data":{"max":"10"}}""");
        await _fx.CreateAsync(KnownResources.ConfigMaps, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"tight","namespace":"apps","labels":{"limit":"yes"}},"data":{"max":"2"}}""");
        await _fx.CreateAsync(KnownResources.ConfigMaps, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"elsewhere","namespace":"other","labels":{"limit":"yes"}},"data":{"max":"0"}}""");

        await _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 2));
        var e = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 3)));
        Assert.EndsWith("denied request: tight", e.Status.Message);
    }

    [Fact]
    public async Task An_unknown_param_kind_refuses_under_fail_and_is_skipped_under_ignore()
    {
        const string spec = """
            "paramKind":{"apiVersion":"example.com/v1","kind":"Limits"},"matchConstraints":{{DEPLOYMENTS}},
            "validations":[{"expression":"false"}]
            """;
        var body = spec.Replace("{{DEPLOYMENTS}}", Deployments, StringComparison.Ordinal);
        _fx.Cache.Set([Policy("p", "{" + body + "}")], [Binding("b", "p", extra: ""","paramRef":{"name":"x","parameterNotFoundAction":"Allow"}""")]);
        var e = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 1)));
        Assert.EndsWith("ValidatingAdmissionPolicy 'p' denied request: failed to configure policy: failed to find resource referenced by paramKind: 'example.com/v1, Kind=Limits'", e.Status.Message);

        _fx.Cache.Set([Policy("p", "{" + body + ",\"failurePolicy\":\"Ignore\"}")], [Binding("b", "p", extra: ""","paramRef":{"name":"x","parameterNotFoundAction":"Allow"}""")]);
        await _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 1));
    }

    [Fact]
    public async Task A_runtime_error_refuses_under_fail_and_admits_under_ignore()
    {
        const string validations = "\"validations\":[{\"expression\":\"object.spec.nothing == 1\"}]";
        _fx.Cache.Set([Policy("p", $$"""{"matchConstraints":{{Deployments}},{{validations}}}""")], [Binding("b", "p")]);
        var e = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 1)));
        Assert.EndsWith("denied request: expression 'object.spec.nothing == 1' resulted in error: no such key: nothing", e.Status.Message);

        _fx.Cache.Set([Policy("p", $$"""{"failurePolicy":"Ignore","matchConstraints":{{Deployments}},{{validations}}}""")], [Binding("b", "p")]);
        await _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 1));
    }

    [Fact]
    public async Task A_false_match_condition_or_an_excluded_or_unselected_request_skips_the_policy()
    {
        _fx.Cache.Set([Policy("p", $$$"""
            {"matchConstraints":{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["deployments"]}],
                                 "excludeResourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["deployments"],"resourceNames":["exempt"]}],
                                 "objectSelector":{"matchExpressions":[{"key":"skip","operator":"DoesNotExist"}]}},
             "matchConditions":[{"name":"not-named-free","expression":"object.metadata.name != 'free'"}],
             "validations":[{"expression":"false","message":"no"}]}
            """)], [Binding("b", "p")]);

        await _fx.WriteAsync(KnownResources.Deployments, Deployment("free", 1));
        await _fx.WriteAsync(KnownResources.Deployments, Deployment("exempt", 1));
        await _fx.WriteAsync(KnownResources.Deployments, Deployment("labelled", 1, labels: """{"skip":"yes"}"""));
        await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("other", 1)));
    }

    [Fact]
    public async Task A_bindings_match_resources_narrow_the_policy_to_selected_namespaces()
    {
        await _fx.CreateAsync(KnownResources.Namespaces, """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"guarded","labels":{"policy":"on"}}}""");
        await _fx.CreateAsync(KnownResources.Namespaces, """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"free"}}""");
        _fx.Cache.Set([Policy("p", $$"""
            {"matchConstraints":{{Deployments}},
             "validations":[{"expression":"namespaceObject.metadata.name == 'none'","messageExpression":"'in ' + namespaceObject.metadata.name"}]}
            """)], [Binding("b", "p", extra: ""","matchResources":{"namespaceSelector":{"matchLabels":{"policy":"on"}}}""")]);

        await _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 1, "free"));
        var e = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 1, "guarded")));
        Assert.EndsWith("denied request: in guarded", e.Status.Message);
    }

    [Fact]
    public async Task The_request_and_old_object_are_offered_and_policies_without_a_binding_do_nothing()
    {
        _fx.Cache.Set([Policy("p", $$"""
            {"matchConstraints":{{Deployments}},
             "validations":[{"expression":"request.operation != 'UPDATE' || object.spec.replicas >= oldObject.spec.replicas","message":"no scaling down"}]}
            """), Policy("unbound", $$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"false"}]}""")], [Binding("b", "p")]);

        await _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 3), old: Deployment("d", 2));
        var e = await Assert.ThrowsAsync<ApiException>(() => _fx.WriteAsync(KnownResources.Deployments, Deployment("d", 1), old: Deployment("d", 2)));
        Assert.EndsWith("denied request: no scaling down", e.Status.Message);
    }
}
