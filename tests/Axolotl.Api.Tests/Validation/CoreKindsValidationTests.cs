using Axolotl.Api.Core;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class CoreKindsValidationTests
{
    private const string ConfigKeyRule = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    [Fact]
    public void Config_map_keys_must_be_valid_and_not_repeat_across_data_and_binary_data()
    {
        var errors = Errors<ConfigMap>("""{"metadata":{"name":"c","namespace":"d"},"data":{"a b":"x","..":"y","dup":"z"},"binaryData":{"dup":"AA=="}}""");
        Assert.Equal(
        [
            "data[..]: Invalid value: \"..\": must not be '..'",
            $"data[a b]: Invalid value: \"a b\": {ConfigKeyRule}",
            "data[dup]: Invalid value: \"dup\": duplicate of key present in binaryData",
        ], errors);
    }

    [Fact]
    public void Immutable_config_maps_and_secrets_cannot_change_their_data()
    {
        var old = Defaulted<ConfigMap>("""{"metadata":{"name":"c","namespace":"d"},"immutable":true,"data":{"a":"1"}}""");
        var updated = Defaulted<ConfigMap>("""{"metadata":{"name":"c","namespace":"d"},"immutable":true,"data":{"a":"2"}}""");
        Assert.Equal(["data: Forbidden: field is immutable when `immutable` is set"], Errors(updated, old));

        var oldSecret = Defaulted<Secret>("""{"metadata":{"name":"s","namespace":"d"},"immutable":true,"data":{"a":"MQ=="}}""");
        var thawed = Defaulted<Secret>("""{"metadata":{"name":"s","namespace":"d"},"immutable":false,"data":{"a":"MQ=="}}""");
        Assert.Equal(["immutable: Forbidden: field is immutable when `immutable` is set"], Errors(thawed, oldSecret));
    }

    [Fact]
    public void Secret_types_cannot_change_and_typed_secrets_need_their_keys()
    {
        var old = Defaulted<Secret>("""{"metadata":{"name":"s","namespace":"d"}}""");
        var retyped = Defaulted<Secret>("""{"metadata":{"name":"s","namespace":"d"},"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}}""");
        Assert.Equal(["type: Invalid value: \"kubernetes.io/tls\": field is immutable"], Errors(retyped, old));

        Assert.Equal(["data[tls.crt]: Required value", "data[tls.key]: Required value"],
            Errors<Secret>("""{"metadata":{"name":"s","namespace":"d"},"type":"kubernetes.io/tls"}"""));
    }

    [Fact]
    public void Node_taints_must_be_unique_by_key_and_effect()
    {
        var errors = Errors<Node>("""{"metadata":{"name":"n"},"spec":{"taints":[{"key":"k","effect":"NoSchedule"},{"key":"k","value":"v","effect":"NoSchedule"},{"key":"k","effect":"Never"}]}}""");
        Assert.Equal(
        [
            "metadata.taints[1]: Duplicate value: core.Taint{Key:\"k\", Value:\"v\", Effect:\"NoSchedule\", TimeAdded:<nil>}: taints must be unique by key and effect pair",
            "metadata.taints[2].effect: Unsupported value: \"Never\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
        ], errors);
    }

    [Fact]
    public void A_realistic_node_is_valid_and_its_pod_cidr_cannot_change()
    {
        var old = Defaulted<Node>(Kinds.Manifests.Node);
        Assert.Empty(Errors(old));
        var updated = Defaulted<Node>(Kinds.Manifests.Node);
        updated.Spec!.PodCIDRs = ["10.244.9.0/24"];
        Assert.Equal(["spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid"], Errors(updated, old));
    }

    [Fact]
    public void Negative_node_capacity_is_rejected()
    {
        Assert.Equal(["status.capacity.cpu: Invalid value: \"-1\": must be greater than or equal to 0"],
            Errors<Node>("""{"metadata":{"name":"n"},"status":{"capacity":{"cpu":"-1"},"allocatable":{"cpu":"1"}}}"""));
    }

    [Fact]
    public void Namespace_finalizers_must_be_standard_or_qualified()
    {
        Assert.Equal(["spec.finalizers: Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified"],
            Errors<Namespace>("""{"metadata":{"name":"ns"},"spec":{"finalizers":["kubernetes","cleanup"]}}"""));
    }

    [Fact]
    public void Resource_quotas_accept_standard_names_and_reject_conflicting_scopes()
    {
        Assert.Empty(Errors<ResourceQuota>("""{"metadata":{"name":"q","namespace":"d"},"spec":{"hard":{"pods":"10","requests.cpu":"4","count/deployments.apps":"3"}}}"""));
        Assert.Equal(
        [
            "spec.hard[widgets]: Invalid value: \"widgets\": must be a standard resource type or fully qualified",
            "spec.hard[widgets]: Invalid value: \"widgets\": must be a standard resource for quota",
            "spec.hard[pods]: Invalid value: \"1500m\": must be an integer",
            "spec.scopes: Invalid value: []string{\"BestEffort\", \"NotBestEffort\"}: conflicting scopes",
        ], Errors<ResourceQuota>("""{"metadata":{"name":"q","namespace":"d"},"spec":{"hard":{"widgets":"1","pods":"1.5"},"scopes":["BestEffort","NotBestEffort"]}}""").OrderBy(e => e.Contains("pods", StringComparison.Ordinal) ? 1 : e.Contains("scopes", StringComparison.Ordinal) ? 2 : 0));
    }

    [Fact]
    public void Limit_ranges_check_min_against_max()
    {
        Assert.Equal(["spec.limits[0].min[cpu]: Invalid value: \"2\": min value 2 is greater than max value 1"],
            Errors<LimitRange>("""{"metadata":{"name":"l","namespace":"d"},"spec":{"limits":[{"type":"Pod","min":{"cpu":"2"},"max":{"cpu":"1"}}]}}"""));
    }

    [Fact]
    public void Endpoints_addresses_must_be_ips()
    {
        Assert.Equal(["subsets[0].addresses[0].ip: Invalid value: \"10.0.0\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"],
            Errors<Endpoints>("""{"metadata":{"name":"e","namespace":"d"},"subsets":[{"addresses":[{"ip":"10.0.0"}],"ports":[{"port":80}]}]}"""));
    }

    [Fact]
    public void Endpoint_slices_check_their_address_type_and_addresses()
    {
        Assert.Equal(["addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\""],
            Errors<Discovery.EndpointSlice>("""{"metadata":{"name":"e","namespace":"d"},"addressType":"IPv5","endpoints":[]}"""));
        Assert.Equal(["endpoints[0].addresses[0]: Invalid value: \"::1\": must be a valid IPv4 address"],
            Errors<Discovery.EndpointSlice>("""{"metadata":{"name":"e","namespace":"d"},"addressType":"IPv4","endpoints":[{"addresses":["::1"]}]}"""));
    }

    [Fact]
    public void Pod_disruption_budgets_take_min_available_or_max_unavailable_but_not_both()
    {
        Assert.Equal(["spec: Invalid value: policy.PodDisruptionBudgetSpec{…}: minAvailable and maxUnavailable cannot be both set"],
            Errors<Policy.PodDisruptionBudget>("""{"metadata":{"name":"b","namespace":"d"},"spec":{"minAvailable":1,"maxUnavailable":1}}"""));
    }

    [Fact]
    public void Leases_need_a_positive_duration()
    {
        Assert.Equal(["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"],
            Errors<Coordination.Lease>("""{"metadata":{"name":"l","namespace":"d"},"spec":{"leaseDurationSeconds":0}}"""));
    }

    [Fact]
    public void Legacy_events_must_live_in_their_objects_namespace()
    {
        Assert.Equal(["involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"],
            Errors<Event>("""{"metadata":{"name":"e","namespace":"default"},"involvedObject":{"kind":"Pod","name":"p","namespace":"other"},"reason":"X"}"""));
    }

    [Fact]
    public void New_style_events_need_their_reporting_fields()
    {
        var errors = Errors<Events.Event>("""{"metadata":{"name":"e","namespace":"default"},"eventTime":"2024-05-02T08:00:00.000000Z","regarding":{"kind":"Pod","name":"p","namespace":"default"},"type":"Normal"}""");
        Assert.Equal(
        [
            "reportingController: Required value",
            "reportingController: Invalid value: \"\": name part must be non-empty",
            "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "reportingInstance: Required value",
            "action: Required value",
            "reason: Required value",
        ], errors);
    }
}
