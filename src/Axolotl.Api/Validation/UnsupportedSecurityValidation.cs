using Axolotl.Api.Core;

namespace Axolotl.Api.Validation;

/// <summary>
/// securityContext fields Axolotl's nodes cannot honour, refused at admission rather than ignored:
/// seLinuxOptions without SELinux on the node, an AppArmor profile other than Unconfined without
/// AppArmor, windowsOptions (Linux containers only), and
/// hostUsers: false (no user namespaces); a hostPort other than TCP (the proxy forwards TCP). The node's security modules are probed once on this host,
/// where the agents run (<see cref="HostSecurityModules"/>).
/// </summary>
public static class UnsupportedSecurityValidation
{
    /// <summary>Whether this machine's kernel enforces SELinux and AppArmor; tests replace it.</summary>
    public static HostSecurityModules Host { get; set; } = HostSecurityModules.Probe();

    public static List<FieldError> Validate(PodSpec spec, FieldPath specPath)
    {
        var errors = new List<FieldError>();
        var podPath = specPath.Child("securityContext");
        if (spec.SecurityContext is { } pod)
        {
            Check(pod.SeLinuxOptions, pod.AppArmorProfile, pod.WindowsOptions, podPath, errors);
        }

        if (spec.HostUsers == false)
        {
            errors.Add(FieldError.Forbidden(specPath.Child("hostUsers"), "Axolotl does not run pods in user namespaces: hostUsers must be true or unset"));
        }

        foreach (var (containers, name) in new[] { (spec.InitContainers, "initContainers"), (spec.Containers, "containers") })
        {
            for (var i = 0; i < (containers?.Count ?? 0); i++)
            {
                if (containers![i].SecurityContext is { } context)
                {
                    Check(context.SeLinuxOptions, context.AppArmorProfile, context.WindowsOptions, specPath.Child(name).Index(i).Child("securityContext"), errors);
                }

                // hostPorts are forwarded by the node's service proxy, which relays TCP and UDP.
                for (var p = 0; spec.HostNetwork != true && p < (containers[i].Ports?.Count ?? 0); p++)
                {
                    var port = containers[i].Ports![p];
                    if (port.HostPort is > 0 && (port.Protocol ?? "TCP") is not ("TCP" or "UDP"))
                    {
                        errors.Add(FieldError.Forbidden(specPath.Child(name).Index(i).Child("ports").Index(p).Child("hostPort"),
                            $"Axolotl forwards TCP and UDP host ports only, not {port.Protocol}"));
                    }
                }
            }
        }

        return errors;
    }

    private static void Check(SELinuxOptions? seLinux, AppArmorProfile? appArmor, WindowsSecurityContextOptions? windows, FieldPath path, List<FieldError> errors)
    {
        if (seLinux is not null && !Host.SELinux)
        {
            errors.Add(FieldError.Forbidden(path.Child("seLinuxOptions"), "SELinux is not enabled on Axolotl's nodes: seLinuxOptions cannot be honoured"));
        }

        if (appArmor is { } profile && profile.Type != "Unconfined" && !Host.AppArmor)
        {
            errors.Add(FieldError.Forbidden(path.Child("appArmorProfile"), "AppArmor is not enabled on Axolotl's nodes: only type Unconfined can be honoured"));
        }

        if (windows is not null)
        {
            errors.Add(FieldError.Forbidden(path.Child("windowsOptions"), "Axolotl runs Linux containers only: windowsOptions cannot be honoured"));
        }
    }
}

/// <summary>The Linux security modules a node enforces.</summary>
public sealed record HostSecurityModules(bool SELinux, bool AppArmor)
{
    public static HostSecurityModules Probe()
    {
        var seLinux = File.Exists("/sys/fs/selinux/enforce");
        var appArmor = false;
        try
        {
            appArmor = File.Exists("/sys/module/apparmor/parameters/enabled") && File.ReadAllText("/sys/module/apparmor/parameters/enabled").Trim() == "Y";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return new HostSecurityModules(seLinux, appArmor);
    }
}
