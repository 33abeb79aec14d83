using Axolotl.Api.FlowControl;
using Axolotl.Api.Meta;
using Axolotl.Api.Serialization;

namespace Axolotl.Api.Validation;

/// <summary>flowcontrol.apiserver.k8s.io/v1 FlowSchemas and PriorityLevelConfigurations, with upstream's rules and messages (pkg/apis/flowcontrol/validation); the priority level rules are in FlowControlValidation.PriorityLevels.cs.</summary>
public static partial class FlowControlValidation
{
    public const int MaxMatchingPrecedence = 10000;
    public const int MaxQueues = 512;
    public const int MaxHashBits = 60;

    private static readonly FieldPath Metadata = FieldPath.Of("metadata");
    private static readonly FieldPath Spec = FieldPath.Of("spec");
    private static readonly string[] DistinguisherMethods = [FlowDistinguisherMethod.ByNamespace, FlowDistinguisherMethod.ByUser];
    private static readonly string[] SubjectKinds = [Subject.KindGroup, Subject.KindServiceAccount, Subject.KindUser];
    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "proxy", "update", "watch"];
    private static readonly string[] LevelTypes = [PriorityLevelConfigurationSpec.TypeExempt, PriorityLevelConfigurationSpec.TypeLimited];
    private static readonly string[] ResponseTypes = [LimitResponse.TypeQueue, LimitResponse.TypeReject];
    private const string NamespaceIntro = "each member of this list must be '*' or a DNS-1123 label; ";

    public static List<FieldError> ValidateFlowSchema(FlowSchema schema, FlowSchema? old)
    {
        var errors = Meta(schema.Metadata, old?.Metadata);
        var name = schema.Metadata.Name ?? "";
        var spec = schema.Spec ?? new FlowSchemaSpec();
        var precedence = spec.MatchingPrecedence ?? 0;
        var precedencePath = Spec.Child("matchingPrecedence");
        if (precedence <= 0)
        {
            errors.Add(FieldError.Invalid(precedencePath, precedence, "must be a positive value"));
        }
        if (precedence > MaxMatchingPrecedence)
        {
            errors.Add(FieldError.Invalid(precedencePath, precedence, $"must not be greater than {MaxMatchingPrecedence}"));
        }
        if (precedence == 1 && name != "exempt")
        {
            errors.Add(FieldError.Invalid(precedencePath, precedence, "only the schema named 'exempt' may have matchingPrecedence 1"));
        }
        if (spec.DistinguisherMethod is { } method && !DistinguisherMethods.Contains(method.Type))
        {
            errors.Add(FieldError.NotSupported(Spec.Child("distinguisherMethod").Child("type"), method.Type, DistinguisherMethods));
        }
        var levelPath = Spec.Child("priorityLevelConfiguration").Child("name");
        if (spec.PriorityLevelConfiguration?.Name is { Length: > 0 } level)
        {
            errors.AddRange(RbacValidation.PathSegmentName(level).Select(m => FieldError.Invalid(levelPath, level, m)));
        }
        else
        {
            errors.Add(FieldError.Required(levelPath, "must reference a priority level"));
        }
        for (var i = 0; i < (spec.Rules?.Count ?? 0); i++)
        {
            errors.AddRange(Rules(spec.Rules![i], Spec.Child("rules").Index(i)));
        }
        if (FlowControlBootstrap.MandatoryFlowSchemas.FirstOrDefault(m => m.Metadata.Name == name) is { } mandatory && !SameSpec(spec, mandatory.Spec))
        {
            errors.Add(FieldError.Invalid(Spec, null, "") with { Message = $"Invalid value: spec of '{name}' must equal the fixed value" });
        }
        errors.AddRange(Conditions(schema.Status?.Conditions));
        return errors;
    }

    private static List<FieldError> Meta(ObjectMeta meta, ObjectMeta? old)
    {
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(meta, old, Metadata);
        errors.AddRange(MetadataValidation.ValidateObjectMeta(meta, requiresNamespace: false, RbacValidation.RbacName, Metadata));
        return errors;
    }

    private static bool SameSpec<T>(T spec, T? fixedSpec) =>
        System.Text.Json.JsonSerializer.Serialize(spec, KubeJson.Options) == System.Text.Json.JsonSerializer.Serialize(fixedSpec, KubeJson.Options);

    private static IEnumerable<FieldError> Rules(PolicyRulesWithSubjects rule, FieldPath path)
    {
        if ((rule.Subjects?.Count ?? 0) == 0)
        {
            yield return FieldError.Required(path.Child("subjects"), "subjects must contain at least one value");
        }
        for (var i = 0; i < (rule.Subjects?.Count ?? 0); i++)
        {
            foreach (var e in SubjectErrors(rule.Subjects![i], path.Child("subjects").Index(i)))
            {
                yield return e;
            }
        }
        if ((rule.ResourceRules?.Count ?? 0) == 0 && (rule.NonResourceRules?.Count ?? 0) == 0)
        {
            yield return FieldError.Required(path, "at least one of resourceRules and nonResourceRules has to be non-empty");
        }
        for (var i = 0; i < (rule.ResourceRules?.Count ?? 0); i++)
        {
            foreach (var e in ResourceRule(rule.ResourceRules![i], path.Child("resourceRules").Index(i)))
            {
                yield return e;
            }
        }
        for (var i = 0; i < (rule.NonResourceRules?.Count ?? 0); i++)
        {
            foreach (var e in NonResourceRule(rule.NonResourceRules![i], path.Child("nonResourceRules").Index(i)))
            {
                yield return e;
            }
        }
    }

    private static IEnumerable<FieldError> SubjectErrors(Subject subject, FieldPath path)
    {
        const string NotUser = "user is forbidden when subject kind is not 'User'";
        const string NotGroup = "group is forbidden when subject kind is not 'Group'";
        const string NotServiceAccount = "serviceAccount is forbidden when subject kind is not 'ServiceAccount'";
        switch (subject.Kind)
        {
            case Subject.KindServiceAccount:
                if (subject.ServiceAccount is not { } sa)
                {
                    yield return FieldError.Required(path.Child("serviceAccount"), "serviceAccount is required when subject kind is 'ServiceAccount'");
                }
                else
                {
                    if (sa.Name.Length == 0)
                    {
                        yield return FieldError.Required(path.Child("serviceAccount").Child("name"));
                    }
                    else if (sa.Name != "*")
                    {
                        foreach (var m in NameRules.DNS1123Subdomain(sa.Name))
                        {
                            yield return FieldError.Invalid(path.Child("serviceAccount").Child("name"), sa.Name, m);
                        }
                    }
                    if (sa.Namespace.Length == 0)
                    {
                        yield return FieldError.Required(path.Child("serviceAccount").Child("namespace"), "must specify namespace for service account");
                    }
                    else
                    {
                        foreach (var m in NameRules.DNS1123Label(sa.Namespace))
                        {
                            yield return FieldError.Invalid(path.Child("serviceAccount").Child("namespace"), sa.Namespace, m);
                        }
                    }
                }
                if (subject.User is not null)
                {
                    yield return FieldError.Forbidden(path.Child("user"), NotUser);
                }
                if (subject.Group is not null)
                {
                    yield return FieldError.Forbidden(path.Child("group"), NotGroup);
                }
                break;
            case Subject.KindUser:
                if (subject.User is not { } user)
                {
                    yield return FieldError.Required(path.Child("user"), "user is required when subject kind is 'User'");
                }
                else if (user.Name.Length == 0)
                {
                    yield return FieldError.Required(path.Child("user").Child("name"));
                }
                if (subject.ServiceAccount is not null)
                {
                    yield return FieldError.Forbidden(path.Child("serviceAccount"), NotServiceAccount);
                }
                if (subject.Group is not null)
                {
                    yield return FieldError.Forbidden(path.Child("group"), NotGroup);
                }
                break;
            case Subject.KindGroup:
                if (subject.Group is not { } group)
                {
                    yield return FieldError.Required(path.Child("group"), "group is required when subject kind is 'Group'");
                }
                else if (group.Name.Length == 0)
                {
                    yield return FieldError.Required(path.Child("group").Child("name"));
                }
                if (subject.ServiceAccount is not null)
                {
                    yield return FieldError.Forbidden(path.Child("serviceAccount"), NotServiceAccount);
                }
                if (subject.User is not null)
                {
                    yield return FieldError.Forbidden(path.Child("user"), NotUser);
                }
                break;
            default:
                yield return FieldError.NotSupported(path.Child("kind"), subject.Kind, SubjectKinds);
                break;
        }
    }

    private static IEnumerable<FieldError> VerbErrors(List<string>? verbs, FieldPath path)
    {
        if ((verbs?.Count ?? 0) == 0)
        {
            yield return FieldError.Required(path, "verbs must contain at least one value");
        }
        else if (verbs!.Contains("*"))
        {
            if (verbs.Count > 1)
            {
                yield return FieldError.Invalid(path, verbs, "if '*' is present, must not specify other verbs");
            }
        }
        else if (verbs.Any(v => !Verbs.Contains(v)))
        {
            yield return FieldError.NotSupported(path, verbs, Verbs);
        }
    }

    private static IEnumerable<FieldError> ResourceRule(ResourcePolicyRule rule, FieldPath path)
    {
        foreach (var e in VerbErrors(rule.Verbs, path.Child("verbs")))
        {
            yield return e;
        }
        if ((rule.ApiGroups?.Count ?? 0) == 0)
        {
            yield return FieldError.Required(path.Child("apiGroups"), "resource rules must supply at least one api group");
        }
        else if (rule.ApiGroups!.Count > 1 && rule.ApiGroups.Contains("*"))
        {
            yield return FieldError.Invalid(path.Child("apiGroups"), rule.ApiGroups, "if '*' is present, must not specify other api groups");
        }
        if ((rule.Resources?.Count ?? 0) == 0)
        {
            yield return FieldError.Required(path.Child("resources"), "resource rules must supply at least one resource");
        }
        else if (rule.Resources!.Count > 1 && rule.Resources.Contains("*"))
        {
            yield return FieldError.Invalid(path.Child("resources"), rule.Resources, "if '*' is present, must not specify other resources");
        }
        var namespaces = rule.Namespaces ?? [];
        if (namespaces.Count == 0 && rule.ClusterScope != true)
        {
            yield return FieldError.Required(path.Child("namespaces"), "resource rules that are not cluster scoped must supply at least one namespace");
        }
        else if (namespaces.Contains("*"))
        {
            if (namespaces.Count > 1)
            {
                yield return FieldError.Invalid(path.Child("namespaces"), namespaces, "if '*' is present, must not specify other namespaces");
            }
        }
        else
        {
            for (var i = 0; i < namespaces.Count; i++)
            {
                foreach (var m in NameRules.DNS1123Label(namespaces[i]))
                {
                    yield return FieldError.Invalid(path.Child("namespaces").Index(i), namespaces[i], NamespaceIntro + m);
                }
            }
        }
    }

    private static IEnumerable<FieldError> NonResourceRule(NonResourcePolicyRule rule, FieldPath path)
    {
        foreach (var e in VerbErrors(rule.Verbs, path.Child("verbs")))
        {
            yield return e;
        }
        var urls = rule.NonResourceURLs ?? [];
        if (urls.Count == 0)
        {
            yield return FieldError.Required(path.Child("nonResourceURLs"), "nonResourceURLs must contain at least one value");
        }
        else if (urls.Contains("*"))
        {
            if (urls.Count > 1)
            {
                yield return FieldError.Invalid(path.Child("nonResourceURLs"), urls, "if '*' is present, must not specify other non-resource URLs");
            }
        }
        else
        {
            for (var i = 0; i < urls.Count; i++)
            {
                if (UrlError(urls[i]) is { } message)
                {
                    yield return FieldError.Invalid(path.Child("nonResourceURLs").Index(i), urls[i], message);
                }
            }
        }
    }

    /// <summary>Upstream's ValidateNonResourceURLPath: absolute, no empty segments, "*" only as the whole last segment.</summary>
    private static string? UrlError(string url)
    {
        if (url == "/")
        {
            return null;
        }
        if (!url.StartsWith('/'))
        {
            return "must start with slash";
        }
        if (url.Contains("//", StringComparison.Ordinal))
        {
            return "must not contain double slash";
        }
        var segments = url[1..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].Contains('*', StringComparison.Ordinal) && (segments[i] != "*" || i != segments.Length - 1))
            {
                return "wildcard can only do suffix glob matching";
            }
        }
        return null;
    }

    private static IEnumerable<FieldError> Conditions(List<FlowControlCondition>? conditions)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (conditions?.Count ?? 0); i++)
        {
            var type = conditions![i].Type ?? "";
            var path = FieldPath.Of("status", "conditions").Index(i).Child("type");
            if (!seen.Add(type))
            {
                yield return FieldError.Duplicate(path, type);
            }
            if (type.Length == 0)
            {
                yield return FieldError.Required(path, "must not be empty");
            }
        }
    }
}
