using Axolotl.Api.Validation;

namespace Axolotl.ApiServer.Admission.PodSecurity;

/// <summary>
/// The namespace labels <c>pod-security.kubernetes.io/{enforce,audit,warn}[-version]</c> read over the
/// cluster defaults, as upstream's PolicyToEvaluate reads them: a bad enforce level fails closed
/// (restricted), a bad audit or warn level fails open (privileged), a bad version means latest, and
/// every bad value is reported so that namespace writes can be refused. Without its own warn label a
/// namespace warns at least at its enforce level.
/// </summary>
public static class PolicyLabels
{
    public const string Prefix = "pod-security.kubernetes.io/";
    public const string Enforce = Prefix + "enforce";
    public const string EnforceVersion = Prefix + "enforce-version";
    public const string Audit = Prefix + "audit";
    public const string AuditVersion = Prefix + "audit-version";
    public const string Warn = Prefix + "warn";
    public const string WarnVersion = Prefix + "warn-version";

    public const string InvalidLevelMessage = "must be one of privileged, baseline, restricted";

    private static readonly FieldPath LabelsPath = FieldPath.Of("metadata", "labels");

    public static string Name(PodSecurityLevel level) => level switch
    {
        PodSecurityLevel.Privileged => "privileged",
        PodSecurityLevel.Baseline => "baseline",
        _ => "restricted",
    };

    public static bool TryParseLevel(string text, out PodSecurityLevel level)
    {
        switch (text)
        {
            case "privileged":
                level = PodSecurityLevel.Privileged;
                return true;
            case "baseline":
                level = PodSecurityLevel.Baseline;
                return true;
            case "restricted":
                level = PodSecurityLevel.Restricted;
                return true;
            default:
                level = PodSecurityLevel.Restricted;
                return false;
        }
    }

    public static (NamespacePolicy Policy, List<FieldError> Errors) Evaluate(IReadOnlyDictionary<string, string>? labels, NamespacePolicy defaults)
    {
        var errors = new List<FieldError>();
        if (labels is null || labels.Count == 0)
        {
            return (defaults, errors);
        }
        var enforce = defaults.Enforce;
        var audit = defaults.Audit;
        var warn = defaults.Warn;
        var hasEnforceLevel = false;
        if (labels.TryGetValue(Enforce, out var enforceLevel))
        {
            // An unreadable enforce level fails closed: the level TryParseLevel leaves is restricted.
            hasEnforceLevel = ReadLevel(Enforce, enforceLevel, errors, out var level);
            enforce = enforce with { Level = level };
        }
        if (labels.TryGetValue(EnforceVersion, out var enforceVersion))
        {
            enforce = enforce with { Version = ReadVersion(EnforceVersion, enforceVersion, errors) };
        }
        if (labels.TryGetValue(Audit, out var auditLevel))
        {
            audit = audit with { Level = ReadLevel(Audit, auditLevel, errors, out var level) ? level : PodSecurityLevel.Privileged };
        }
        if (labels.TryGetValue(AuditVersion, out var auditVersion))
        {
            audit = audit with { Version = ReadVersion(AuditVersion, auditVersion, errors) };
        }
        var hasWarnLevel = labels.TryGetValue(Warn, out var warnLevel);
        if (hasWarnLevel)
        {
            warn = warn with { Level = ReadLevel(Warn, warnLevel!, errors, out var level) ? level : PodSecurityLevel.Privileged };
        }
        var hasWarnVersion = labels.TryGetValue(WarnVersion, out var warnVersion);
        if (hasWarnVersion)
        {
            warn = warn with { Version = ReadVersion(WarnVersion, warnVersion!, errors) };
        }
        if (!hasWarnLevel && hasEnforceLevel && enforce.Level > warn.Level)
        {
            warn = hasWarnVersion ? warn with { Level = enforce.Level } : enforce;
        }
        return (new NamespacePolicy(enforce, audit, warn), errors);
    }

    private static bool ReadLevel(string label, string value, List<FieldError> errors, out PodSecurityLevel level)
    {
        if (TryParseLevel(value, out level))
        {
            return true;
        }
        errors.Add(FieldError.Invalid(LabelsPath.Key(label), value, InvalidLevelMessage));
        return false;
    }

    private static PolicyVersion ReadVersion(string label, string value, List<FieldError> errors)
    {
        if (!PolicyVersion.TryParse(value, out var version))
        {
            errors.Add(FieldError.Invalid(LabelsPath.Key(label), value, PolicyVersion.InvalidMessage));
        }
        return version;
    }
}
