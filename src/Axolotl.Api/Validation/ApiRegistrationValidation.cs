using Axolotl.Api.ApiRegistration;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>apiregistration.k8s.io/v1 APIService, with kube-aggregator's rules and messages (pkg/apis/apiregistration/validation).</summary>
public static class ApiRegistrationValidation
{
    public const int MaxGroupPriorityMinimum = 20000;
    public const int MaxVersionPriority = 1000;

    /// <summary>The group whose APIServices this server always serves itself, as kube-aggregator does its own.</summary>
    public const string ApiRegistrationGroup = "apiregistration.k8s.io";

    /// <summary>Whether an APIService of <paramref name="group"/> may name a Service (everything but the core group and apiregistration.k8s.io).</summary>
    public static bool MayBeRemote(string group) => group.Length > 0 && group != ApiRegistrationGroup;

    private static readonly FieldPath Metadata = FieldPath.Of("metadata");
    private static readonly FieldPath Spec = FieldPath.Of("spec");
    private static readonly string[] ConditionStatuses = ["True", "False", "Unknown"];

    /// <summary>Create (old is null) or update of the object or its status: spec, name and status rules.</summary>
    public static List<FieldError> Validate(APIService apiService, APIService? old)
    {
        ArgumentNullException.ThrowIfNull(apiService);
        var errors = old is null ? [] : MetadataValidation.ValidateObjectMetaUpdate(apiService.Metadata, old.Metadata, Metadata);
        errors.AddRange(ValidateSpec(apiService));
        errors.AddRange(ValidateStatus(apiService.Status));
        return errors;
    }

    private static List<FieldError> ValidateSpec(APIService apiService)
    {
        var spec = apiService.Spec ?? new APIServiceSpec();
        var group = spec.Group ?? "";
        var version = spec.Version ?? "";
        var requiredName = APIService.NameOf(group, version);
        // The name is the group/version it serves, so two APIServices never claim the same one.
        NameRule nameRule = (name, _) =>
        {
            var minimal = RbacValidation.PathSegmentName(name);
            if (minimal.Count > 0)
            {
                return minimal;
            }
            return name == requiredName ? [] : [$"must be `spec.version+\".\"+spec.group`: {GoValue.Quote(requiredName)}"];
        };
        var errors = MetadataValidation.ValidateObjectMeta(apiService.Metadata, requiresNamespace: false, nameRule, Metadata);

        // Only the legacy core group ("v1.") may have no group.
        if (group.Length == 0 && version != "v1")
        {
            errors.Add(FieldError.Required(Spec.Child("group"), "only v1 may have an empty group and it better be legacy kube"));
        }
        if (group.Length > 0)
        {
            errors.AddRange(NameRules.DNS1123Subdomain(group).Select(m => FieldError.Invalid(Spec.Child("group"), group, m)));
        }
        errors.AddRange(NameRules.DNS1035Label(version).Select(m => FieldError.Invalid(Spec.Child("version"), version, m)));

        if (spec.GroupPriorityMinimum is <= 0 or > MaxGroupPriorityMinimum)
        {
            errors.Add(FieldError.Invalid(Spec.Child("groupPriorityMinimum"), spec.GroupPriorityMinimum, "must be positive and less than 20000"));
        }
        if (spec.VersionPriority is <= 0 or > MaxVersionPriority)
        {
            errors.Add(FieldError.Invalid(Spec.Child("versionPriority"), spec.VersionPriority, "must be positive and less than 1000"));
        }

        var caBundle = spec.CaBundle?.Length ?? 0;
        var insecure = spec.InsecureSkipTLSVerify ?? false;
        if (spec.Service is not { } service)
        {
            if (caBundle != 0)
            {
                errors.Add(FieldError.Invalid(Spec.Child("caBundle"), $"{caBundle} bytes", "local APIServices may not have a caBundle"));
            }
            if (insecure)
            {
                errors.Add(FieldError.Invalid(Spec.Child("insecureSkipTLSVerify"), true, "local APIServices may not have insecureSkipTLSVerify"));
            }
            return errors;
        }
        var servicePath = Spec.Child("service");
        if (group.Length == 0 || group == ApiRegistrationGroup)
        {
            // Not upstream's validation: kube-aggregator would proxy all of /api for "v1.", and serves its own group
            // whatever the APIService says. Here neither may leave this server, so neither is accepted and then ignored.
            errors.Add(FieldError.Forbidden(servicePath, group.Length == 0
                ? "the legacy core API (v1.) is served by this API server and may not be proxied"
                : "apiregistration.k8s.io is served by the aggregator itself and may not be proxied"));
        }
        if (string.IsNullOrEmpty(service.Namespace))
        {
            errors.Add(FieldError.Required(servicePath.Child("namespace")));
        }
        if (string.IsNullOrEmpty(service.Name))
        {
            errors.Add(FieldError.Required(servicePath.Child("name")));
        }
        var port = service.Port ?? 443;
        if (NameRules.PortNumber(port) is { Count: > 0 } portErrors)
        {
            errors.Add(FieldError.Invalid(servicePath.Child("port"), port, "port is not valid: " + string.Join(", ", portErrors)));
        }
        if (insecure && caBundle > 0)
        {
            errors.Add(FieldError.Invalid(Spec.Child("insecureSkipTLSVerify"), true, "may not be true if caBundle is present"));
        }
        return errors;
    }

    private static List<FieldError> ValidateStatus(APIServiceStatus? status)
    {
        var errors = new List<FieldError>();
        var conditions = status?.Conditions ?? [];
        for (var i = 0; i < conditions.Count; i++)
        {
            if (!ConditionStatuses.Contains(conditions[i].Status))
            {
                errors.Add(FieldError.NotSupported(FieldPath.Of("status", "conditions").Index(i).Child("status"), conditions[i].Status, ConditionStatuses));
            }
        }
        return errors;
    }
}
