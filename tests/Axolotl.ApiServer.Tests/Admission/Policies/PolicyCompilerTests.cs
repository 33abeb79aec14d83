using Axolotl.ApiServer.Admission.Policies;
using Axolotl.ApiServer.Errors;
using static Axolotl.ApiServer.Tests.Admission.Policies.PolicyFixture;

namespace Axolotl.ApiServer.Tests.Admission.Policies;

public sealed class PolicyCompilerTests
{
    private static ApiException Refused(string spec) => Assert.Throws<ApiException>(() => Policy("p", spec));

    private static string Field(ApiException e) => Assert.Single(e.Status.Details!.Causes!).Field!;

    [Fact]
    public void An_expression_that_does_not_compile_is_a_422_at_its_field()
    {
        var e = Refused($$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"true"},{"expression":"object.spec.replicas <"}]}""");

        Assert.Equal(422, e.Code);
        Assert.Equal("spec.validations[1].expression", Field(e));
        Assert.Contains("compilation failed: ERROR: <input>:1:", Assert.Single(e.Status.Details!.Causes!).Message);
    }

    [Fact]
    public void The_authorizer_is_not_offered_and_params_only_with_a_param_kind()
    {
        var authorizer = Refused($$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"authorizer.group('').resource('pods').check('get').allowed()"}]}""");
        Assert.True(authorizer.Status.Message!.Contains("undeclared reference to 'authorizer'", StringComparison.Ordinal), authorizer.Status.Message);

        var noParams = Refused($$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"params.x == 1"}]}""");
        Assert.Contains("undeclared reference to 'params'", noParams.Status.Message);

        Policy("p", $$"""{"paramKind":{"apiVersion":"v1","kind":"ConfigMap"},"matchConstraints":{{Deployments}},"validations":[{"expression":"params.data.x == '1'"}]}""");
    }

    [Fact]
    public void A_variable_reads_only_those_declared_before_it_and_match_conditions_read_none()
    {
        var later = Refused($$"""
            {"matchConstraints":{{Deployments}},
             "variables":[{"name":"a","expression":"variables.b"},{"name":"b","expression":"1"}],
             "validations":[{"expression":"variables.a == 1"}]}
            """);
        Assert.Equal("spec.variables[0].expression", Field(later));
        Assert.Contains("undefined field 'b'", later.Status.Message);

        var condition = Refused($$"""
            {"matchConstraints":{{Deployments}},"variables":[{"name":"a","expression":"1"}],
             "matchConditions":[{"name":"c","expression":"variables.a == 1"}],"validations":[{"expression":"true"}]}
            """);
        Assert.Equal("spec.matchConditions[0].expression", Field(condition));

        var message = Refused($$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"true","messageExpression":"variables.none"}]}""");
        Assert.Equal("spec.validations[0].messageExpression", Field(message));
    }

    [Fact]
    public void Results_must_have_their_types_and_request_and_variables_are_typed_as_upstream()
    {
        var notBool = Refused($$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"object.spec.replicas"}]}""");
        Assert.Equal("spec.validations[0].expression: Invalid value: \"object.spec.replicas\": must evaluate to bool but got dyn", Cause(notBool));

        var notString = Refused($$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"true","messageExpression":"size(object.metadata.name)"}]}""");
        Assert.Equal("spec.validations[0].messageExpression: Invalid value: \"size(object.metadata.name)\": must evaluate to string but got int", Cause(notString));

        var condition = Refused($$"""{"matchConstraints":{{Deployments}},"matchConditions":[{"name":"c","expression":"request.name"}],"validations":[{"expression":"true"}]}""");
        Assert.Equal("spec.matchConditions[0].expression: Invalid value: \"request.name\": must evaluate to bool but got string", Cause(condition));

        var request = Refused($$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"request.uid != ''"}]}""");
        Assert.Contains("ERROR: <input>:1:8: undefined field 'uid'", Cause(request), StringComparison.Ordinal);

        var variable = Refused($$"""
            {"matchConstraints":{{Deployments}},"variables":[{"name":"n","expression":"size(object.metadata.name)"}],
             "validations":[{"expression":"variables.n + 'a' == 'b'"}]}
            """);
        Assert.Contains("found no matching overload for '_+_' applied to '(int, string)'", Cause(variable), StringComparison.Ordinal);

        Policy("p", $$"""
            {"matchConstraints":{{Deployments}},"variables":[{"name":"n","expression":"size(object.metadata.name)"},{"name":"ops","expression":"['CREATE', 'UPDATE']"}],
             "validations":[{"expression":"variables.n < 64 && request.operation in variables.ops && request.userInfo.groups.all(g, g != '')",
               "messageExpression":"'name too long: ' + string(variables.n) + ' in ' + namespaceObject.metadata.name"}]}
            """);
    }

    [Fact]
    public void A_stored_policy_is_not_held_to_the_result_types()
    {
        var policy = Policy("p", $$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"true"}]}""");
        policy.Spec!.Validations![0].MessageExpression = "object.metadata.name";

        Assert.Null(PolicyCompiler.Compile(policy).ConfigurationError);
    }

    private static string Cause(ApiException e)
    {
        var cause = Assert.Single(e.Status.Details!.Causes!);
        return $"{cause.Field}: {cause.Message}";
    }

    [Fact]
    public void A_stored_policy_that_no_longer_compiles_carries_a_configuration_error()
    {
        var policy = Policy("p", $$"""{"matchConstraints":{{Deployments}},"validations":[{"expression":"true"}]}""");
        policy.Spec!.Validations![0].Expression = "object.";

        var compiled = PolicyCompiler.Compile(policy);

        Assert.StartsWith("spec.validations[0].expression: compilation failed", compiled.ConfigurationError);
    }
}
