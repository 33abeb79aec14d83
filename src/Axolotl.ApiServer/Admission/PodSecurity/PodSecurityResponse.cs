using Axolotl.ApiServer.Errors;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// The plugin's answer: a refusal (403 for a violation of the enforce level, 422 for bad policy labels),
/// warnings for the client, and the audit annotations upstream would add (keys without the
/// pod-security.kubernetes.io/ prefix: enforce-policy, audit-violations, exempt, error).
/// </summary>
public sealed record PodSecurityResponse(ApiException? Denied, IReadOnlyList<string> Warnings, IReadOnlyDictionary<string, string> AuditAnnotations)
{
    private static readonly Dictionary<string, string> NoAnnotations = [];

    public static PodSecurityResponse Allowed { get; } = new(null, [], NoAnnotations);

    public static PodSecurityResponse Exempt(string reason) => new(null, [], new Dictionary<string, string> { ["exempt"] = reason });

    public static PodSecurityResponse Warning(string warning) => new(null, [warning], NoAnnotations);

    public bool IsAllowed => Denied is null;
}
