namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// The PodSecurity plugin's configuration (pod-security.admission.config.k8s.io PodSecurityConfiguration):
/// the policy of namespaces whose labels say nothing, and who or what is never checked. The default,
/// as upstream's, is privileged everywhere with no exemptions.
/// </summary>
public sealed record PodSecurityConfiguration(NamespacePolicy Defaults, IReadOnlySet<string> ExemptUsernames, IReadOnlySet<string> ExemptNamespaces, IReadOnlySet<string> ExemptRuntimeClasses)
{
    public static PodSecurityConfiguration Default { get; } = new(NamespacePolicy.Privileged, new HashSet<string>(), new HashSet<string>(), new HashSet<string>());

    public bool IsExemptUser(string? user) => !string.IsNullOrEmpty(user) && ExemptUsernames.Contains(user);

    public bool IsExemptNamespace(string? ns) => !string.IsNullOrEmpty(ns) && ExemptNamespaces.Contains(ns);

    public bool IsExemptRuntimeClass(string? runtimeClass) => !string.IsNullOrEmpty(runtimeClass) && ExemptRuntimeClasses.Contains(runtimeClass);
}
