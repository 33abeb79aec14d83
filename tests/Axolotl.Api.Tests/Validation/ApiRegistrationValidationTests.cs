using Axolotl.Api.ApiRegistration;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class ApiRegistrationValidationTests
{
    private static string ApiService(string name, string spec, string status = "") =>
        """{"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":""" + "\"" + name + "\"}," +
        "\"spec\":" + spec + (status.Length > 0 ? ",\"status\":" + status : "") + "}";

    private const string RemoteSpec =
        """{"service":{"namespace":"wardle","name":"api"},"group":"wardle.example.com","version":"v1alpha1","groupPriorityMinimum":1000,"versionPriority":15,"insecureSkipTLSVerify":true}""";

    [Fact]
    public void A_local_and_a_remote_APIService_are_valid_and_the_service_port_defaults_to_443()
    {
        Assert.Empty(Errors<APIService>(ApiService("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":17800,"versionPriority":15}""")));
        var remote = Defaulted<APIService>(ApiService("v1alpha1.wardle.example.com", RemoteSpec));

        Assert.Empty(Errors(remote));
        Assert.Equal(443, remote.Spec!.Service!.Port);
    }

    [Fact]
    public void The_legacy_core_group_is_named_v1_dot_with_no_group()
    {
        Assert.Empty(Errors<APIService>(ApiService("v1.", """{"version":"v1","groupPriorityMinimum":18000,"versionPriority":1}""")));
        Assert.Contains("spec.group: Required value: only v1 may have an empty group and it better be legacy kube",
            Errors<APIService>(ApiService("v2.", """{"version":"v2","groupPriorityMinimum":18000,"versionPriority":1}""")));
    }

    [Theory]
    [InlineData("v1.batch", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1}""",
        "metadata.name: Invalid value: \"v1.batch\": must be `spec.version+\".\"+spec.group`: \"v1.apps\"")]
    [InlineData("a/b", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1}""",
        "metadata.name: Invalid value: \"a/b\": may not contain '/'")]
    [InlineData("v1.Apps", """{"group":"Apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1}""",
        "spec.group: Invalid value: \"Apps\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    [InlineData("1v.apps", """{"group":"apps","version":"1v","groupPriorityMinimum":1,"versionPriority":1}""",
        "spec.version: Invalid value: \"1v\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":0,"versionPriority":1}""",
        "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":20001,"versionPriority":1}""",
        "spec.groupPriorityMinimum: Invalid value: 20001: must be positive and less than 20000")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":1}""",
        "spec.versionPriority: Invalid value: 0: must be positive and less than 1000")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1001}""",
        "spec.versionPriority: Invalid value: 1001: must be positive and less than 1000")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1,"caBundle":"Y2E="}""",
        "spec.caBundle: Invalid value: \"2 bytes\": local APIServices may not have a caBundle")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1,"insecureSkipTLSVerify":true}""",
        "spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1,"service":{"name":"api"}}""",
        "spec.service.namespace: Required value")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1,"service":{"namespace":"ns"}}""",
        "spec.service.name: Required value")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1,"service":{"namespace":"ns","name":"api","port":70000}}""",
        "spec.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive")]
    [InlineData("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1,"service":{"namespace":"ns","name":"api"},"caBundle":"Y2E=","insecureSkipTLSVerify":true}""",
        "spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present")]
    public void An_APIService_is_refused_with_kube_aggregators_messages(string name, string spec, string error)
    {
        Assert.Contains(error, Errors<APIService>(ApiService(name, spec)));
    }

    [Fact]
    public void A_built_in_group_may_name_a_service_but_neither_the_core_group_nor_apiregistration_itself()
    {
        const string metrics = """{"group":"metrics.k8s.io","version":"v1beta1","groupPriorityMinimum":100,"versionPriority":100,"service":{"namespace":"kube-system","name":"metrics-server"},"insecureSkipTLSVerify":true}""";
        Assert.Empty(Errors<APIService>(ApiService("v1beta1.metrics.k8s.io", metrics)));

        Assert.Contains("spec.service: Forbidden: the legacy core API (v1.) is served by this API server and may not be proxied",
            Errors<APIService>(ApiService("v1.", """{"version":"v1","groupPriorityMinimum":18000,"versionPriority":1,"service":{"namespace":"ns","name":"api"}}""")));
        Assert.Contains("spec.service: Forbidden: apiregistration.k8s.io is served by the aggregator itself and may not be proxied",
            Errors<APIService>(ApiService("v1.apiregistration.k8s.io", """{"group":"apiregistration.k8s.io","version":"v1","groupPriorityMinimum":18000,"versionPriority":1,"service":{"namespace":"ns","name":"api"}}""")));
    }

    [Fact]
    public void A_condition_status_must_be_True_False_or_Unknown()
    {
        var errors = Errors<APIService>(ApiService("v1.apps", """{"group":"apps","version":"v1","groupPriorityMinimum":1,"versionPriority":1}""",
            """{"conditions":[{"type":"Available","status":"Maybe"}]}"""));

        Assert.Contains("status.conditions[0].status: Unsupported value: \"Maybe\": supported values: \"True\", \"False\", \"Unknown\"", errors);
    }

    [Fact]
    public void Setting_a_condition_keeps_its_transition_time_unless_the_status_changes()
    {
        var status = new APIServiceStatus();
        var first = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        APIServiceCondition.Set(status, APIServiceCondition.LocalAvailable(first));
        APIServiceCondition.Set(status, APIServiceCondition.LocalAvailable(first.AddHours(1)));
        Assert.Equal((DateTimeOffset?)first, Assert.Single(status.Conditions!).LastTransitionTime);

        APIServiceCondition.Set(status, new APIServiceCondition { Type = "Available", Status = "False", Reason = "ServiceNotFound", LastTransitionTime = first.AddHours(2) });

        var condition = Assert.Single(status.Conditions!);
        Assert.Equal(("False", "ServiceNotFound", (DateTimeOffset?)first.AddHours(2)), (condition.Status, condition.Reason, condition.LastTransitionTime));
    }
}
