namespace Axolotl.ApiServer.Protobuf.Schema;

// Field numbers from kubernetes/api flowcontrol/v1 generated.proto. The shares and percentages are
// pointers in Go, so an explicit 0 is kept; the other numbers are omitempty.

/// <summary>Protobuf → JSON field tables for flowcontrol.apiserver.k8s.io/v1: FlowSchema and PriorityLevelConfiguration.</summary>
internal static class FlowControlV1Schema
{
    public static void Register(Func<string, PackageBuilder> package)
    {
        var s = package("flowcontrol.v1");
        s.Message("FlowSchema")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "FlowSchemaSpec")
            .Msg(3, "status", "FlowSchemaStatus");
        s.Message("FlowSchemaSpec")
            .Msg(1, "priorityLevelConfiguration", "PriorityLevelConfigurationReference")
            .Int(2, "matchingPrecedence")
            .Msg(3, "distinguisherMethod", "FlowDistinguisherMethod")
            .Msgs(4, "rules", "PolicyRulesWithSubjects");
        s.Message("PriorityLevelConfigurationReference").Str(1, "name", Zero.Keep);
        s.Message("FlowDistinguisherMethod").Str(1, "type", Zero.Keep);
        s.Message("PolicyRulesWithSubjects")
            .Msgs(1, "subjects", "Subject")
            .Msgs(2, "resourceRules", "ResourcePolicyRule")
            .Msgs(3, "nonResourceRules", "NonResourcePolicyRule");
        s.Message("Subject")
            .Str(1, "kind", Zero.Keep)
            .Msg(2, "user", "UserSubject")
            .Msg(3, "group", "GroupSubject")
            .Msg(4, "serviceAccount", "ServiceAccountSubject");
        s.Message("UserSubject").Str(1, "name", Zero.Keep);
        s.Message("GroupSubject").Str(1, "name", Zero.Keep);
        s.Message("ServiceAccountSubject")
            .Str(1, "namespace", Zero.Keep)
            .Str(2, "name", Zero.Keep);
        s.Message("ResourcePolicyRule")
            .Strs(1, "verbs")
            .Strs(2, "apiGroups")
            .Strs(3, "resources")
            .Bool(4, "clusterScope")
            .Strs(5, "namespaces");
        s.Message("NonResourcePolicyRule")
            .Strs(1, "verbs")
            .Strs(6, "nonResourceURLs");
        s.Message("FlowSchemaStatus").Msgs(1, "conditions", "FlowSchemaCondition");
        s.Message("FlowSchemaCondition")
            .Str(1, "type")
            .Str(2, "status")
            .Time(3, "lastTransitionTime")
            .Str(4, "reason")
            .Str(5, "message");

        s.Message("PriorityLevelConfiguration")
            .Msg(1, "metadata", "meta.v1.ObjectMeta")
            .Msg(2, "spec", "PriorityLevelConfigurationSpec")
            .Msg(3, "status", "PriorityLevelConfigurationStatus");
        s.Message("PriorityLevelConfigurationSpec")
            .Str(1, "type", Zero.Keep)
            .Msg(2, "limited", "LimitedPriorityLevelConfiguration")
            .Msg(3, "exempt", "ExemptPriorityLevelConfiguration");
        s.Message("LimitedPriorityLevelConfiguration")
            .Int(1, "nominalConcurrencyShares", Zero.Keep)
            .Msg(2, "limitResponse", "LimitResponse")
            .Int(3, "lendablePercent", Zero.Keep)
            .Int(4, "borrowingLimitPercent", Zero.Keep);
        s.Message("ExemptPriorityLevelConfiguration")
            .Int(1, "nominalConcurrencyShares", Zero.Keep)
            .Int(2, "lendablePercent", Zero.Keep);
        s.Message("LimitResponse")
            .Str(1, "type", Zero.Keep)
            .Msg(2, "queuing", "QueuingConfiguration");
        s.Message("QueuingConfiguration")
            .Int(1, "queues")
            .Int(2, "handSize")
            .Int(3, "queueLengthLimit");
        s.Message("PriorityLevelConfigurationStatus").Msgs(1, "conditions", "PriorityLevelConfigurationCondition");
        s.Message("PriorityLevelConfigurationCondition")
            .Str(1, "type")
            .Str(2, "status")
            .Time(3, "lastTransitionTime")
            .Str(4, "reason")
            .Str(5, "message");
    }
}
