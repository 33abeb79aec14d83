using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>Pod and container security contexts (upstream ValidateSecurityContext and validatePodSpecSecurityContext).</summary>
public static class SecurityValidation
{
    public static List<FieldError> ValidateContainerSecurityContext(SecurityContext? context, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (context is null)
        {
            return errors;
        }
        if (context.RunAsUser is { } user)
        {
            errors.AddRange(NameRules.UserId(user).Select(m => FieldError.Invalid(path.Child("runAsUser"), user, m)));
        }
        if (context.RunAsGroup is { } group)
        {
            errors.AddRange(NameRules.UserId(group).Select(m => FieldError.Invalid(path.Child("runAsGroup"), group, m)));
        }
        if (context.ProcMount is { } procMount)
        {
            if (procMount is not ("Default" or "Unmasked"))
            {
                errors.Add(FieldError.NotSupported(path.Child("procMount"), procMount, ["Default", "Unmasked"]));
            }
            else if (procMount == "Unmasked")
            {
                // Axolotl pods always share the host's user namespace (hostUsers defaults to true).
                errors.Add(FieldError.Forbidden(path.Child("procMount"), "`hostUsers` must be false to use `Unmasked`"));
            }
        }
        errors.AddRange(ValidateSeccompProfile(context.SeccompProfile, path.Child("seccompProfile")));
        if (context.AllowPrivilegeEscalation == false)
        {
            if (context.Privileged == true)
            {
                errors.Add(FieldError.Invalid(path, new GoValue.GoSyntax("core.SecurityContext{…}"), "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
            }
            if (context.Capabilities?.Add?.Contains("CAP_SYS_ADMIN") == true)
            {
                errors.Add(FieldError.Invalid(path, new GoValue.GoSyntax("core.SecurityContext{…}"), "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
            }
        }
        errors.AddRange(ValidateAppArmorProfile(context.AppArmorProfile, path.Child("appArmorProfile")));
        return errors;
    }

    public static List<FieldError> ValidatePodSecurityContext(PodSpec spec, FieldPath specPath)
    {
        var errors = new List<FieldError>();
        if (spec.SecurityContext is not { } context)
        {
            return errors;
        }
        var path = specPath.Child("securityContext");
        if (context.FsGroup is { } fsGroup)
        {
            errors.AddRange(NameRules.UserId(fsGroup).Select(m => FieldError.Invalid(path.Child("fsGroup"), fsGroup, m)));
        }
        if (context.RunAsUser is { } user)
        {
            errors.AddRange(NameRules.UserId(user).Select(m => FieldError.Invalid(path.Child("runAsUser"), user, m)));
        }
        if (context.RunAsGroup is { } group)
        {
            errors.AddRange(NameRules.UserId(group).Select(m => FieldError.Invalid(path.Child("runAsGroup"), group, m)));
        }
        for (var i = 0; i < (context.SupplementalGroups?.Count ?? 0); i++)
        {
            var gid = context.SupplementalGroups![i];
            errors.AddRange(NameRules.UserId(gid).Select(m => FieldError.Invalid(path.Child("supplementalGroups").Index(i), gid, m)));
        }
        if (spec.ShareProcessNamespace == true && spec.HostPID == true)
        {
            errors.Add(FieldError.Invalid(path.Child("shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled"));
        }
        var sysctlNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (context.Sysctls?.Count ?? 0); i++)
        {
            var sysctl = context.Sysctls![i];
            var namePath = path.Child("sysctls").Index(i).Child("name");
            if (sysctl.Name.Length == 0)
            {
                errors.Add(FieldError.Required(namePath));
            }
            else if (!sysctlNames.Add(sysctl.Name))
            {
                errors.Add(FieldError.Duplicate(namePath, sysctl.Name));
            }
        }
        if (context.FsGroupChangePolicy is { } policy && policy is not ("Always" or "OnRootMismatch"))
        {
            errors.Add(FieldError.NotSupported(path.Child("fsGroupChangePolicy"), policy, ["Always", "OnRootMismatch"]));
        }
        errors.AddRange(ValidateSeccompProfile(context.SeccompProfile, path.Child("seccompProfile")));
        errors.AddRange(ValidateAppArmorProfile(context.AppArmorProfile, path.Child("appArmorProfile")));
        if (context.SupplementalGroupsPolicy is { } groupsPolicy && groupsPolicy is not ("Merge" or "Strict"))
        {
            errors.Add(FieldError.NotSupported(path.Child("supplementalGroupsPolicy"), groupsPolicy, ["Merge", "Strict"]));
        }
        if (context.SeLinuxChangePolicy is { } seLinuxPolicy && seLinuxPolicy != "Recursive")
        {
            // With SELinuxChangePolicy off (v1.32 default) only Recursive is accepted.
            errors.Add(FieldError.NotSupported(path.Child("seLinuxChangePolicy"), seLinuxPolicy, ["Recursive"]));
        }
        return errors;
    }

    private static List<FieldError> ValidateSeccompProfile(SeccompProfile? profile, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (profile is null)
        {
            return errors;
        }
        if (profile.Type == "Localhost")
        {
            if (profile.LocalhostProfile is null)
            {
                errors.Add(FieldError.Required(path.Child("localhostProfile"), "must be set when seccomp type is Localhost"));
            }
            else
            {
                errors.AddRange(VolumeValidation.LocalDescendingPath(profile.LocalhostProfile, path.Child("localhostProfile")));
            }
        }
        else if (profile.LocalhostProfile is not null)
        {
            errors.Add(FieldError.Invalid(path.Child("localhostProfile"), profile.LocalhostProfile, "can only be set when seccomp type is Localhost"));
        }
        switch (profile.Type)
        {
            case "Localhost" or "RuntimeDefault" or "Unconfined":
                break;
            case "":
                errors.Add(FieldError.Required(path.Child("type"), "type is required when seccompProfile is set"));
                break;
            default:
                errors.Add(FieldError.NotSupported(path.Child("type"), profile.Type, ["Localhost", "RuntimeDefault", "Unconfined"]));
                break;
        }
        return errors;
    }

    private static List<FieldError> ValidateAppArmorProfile(AppArmorProfile? profile, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (profile is null)
        {
            return errors;
        }
        switch (profile.Type)
        {
            case "Localhost":
                if (string.IsNullOrWhiteSpace(profile.LocalhostProfile))
                {
                    errors.Add(FieldError.Required(path.Child("localhostProfile"), "must be set when AppArmor type is Localhost"));
                }
                else if (profile.LocalhostProfile.Trim() != profile.LocalhostProfile)
                {
                    errors.Add(FieldError.Invalid(path.Child("localhostProfile"), profile.LocalhostProfile, "must not be padded with whitespace"));
                }
                break;
            case "RuntimeDefault" or "Unconfined":
                if (profile.LocalhostProfile is not null)
                {
                    errors.Add(FieldError.Invalid(path.Child("localhostProfile"), profile.LocalhostProfile, "can only be set when AppArmor type is Localhost"));
                }
                break;
            case "":
                errors.Add(FieldError.Required(path.Child("type"), "type is required when appArmorProfile is set"));
                break;
            default:
                errors.Add(FieldError.NotSupported(path.Child("type"), profile.Type, ["Localhost", "RuntimeDefault", "Unconfined"]));
                break;
        }
        return errors;
    }
}
