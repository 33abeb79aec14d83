using System.Text.RegularExpressions;
using Axolotl.Api.Batch;
using Axolotl.Api.Core;
using Axolotl.Api.Meta;

namespace Axolotl.Api.Validation;

/// <summary>Jobs and CronJobs (upstream pkg/apis/batch/validation, v1.32 rules and wording).</summary>
public static partial class BatchValidation
{
    private const int MaxParallelismForIndexedJob = 100_000;
    private const int MaxPodFailurePolicyRules = 20;
    private const int MaxExitCodeValues = 255;
    private const int MaxCronJobNameLength = 52;

    private static readonly FieldPath Metadata = FieldPath.Of("metadata");
    private static readonly FieldPath Spec = FieldPath.Of("spec");
    private static readonly string[] RestartPolicies = ["OnFailure", "Never"];
    private static readonly string[] CompletionModes = ["NonIndexed", "Indexed"];
    private static readonly string[] PolicyActions = ["Count", "FailIndex", "FailJob", "Ignore"];
    private static readonly string[] ConcurrencyPolicies = ["Allow", "Forbid", "Replace"];
    private static readonly string[] ReplacementPolicies = ["Failed", "TerminatingOrFailed"];

    public static List<FieldError> ValidateJob(Job job, Job? old)
    {
        var spec = job.Spec ?? new JobSpec();
        if (old is not null)
        {
            var errors = MetadataValidation.ValidateObjectMetaUpdate(job.Metadata, old.Metadata, Metadata);
            errors.AddRange(ValidateJobSpec(spec, Spec, withSelector: true));
            errors.AddRange(ValidateJobSpecUpdate(spec, old.Spec ?? new JobSpec(), old));
            return errors;
        }
        var created = MetadataValidation.ValidateObjectMeta(job.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata);
        created.AddRange(ValidateGeneratedSelector(job));
        created.AddRange(ValidateJobSpec(spec, Spec, withSelector: true));
        return created;
    }

    /// <summary>The status counters must not be negative (upstream ValidateJobStatus, the parts a client can break).</summary>
    public static List<FieldError> ValidateJobStatus(JobStatus status)
    {
        var path = FieldPath.Of("status");
        var errors = new List<FieldError>();
        errors.AddRange(MetadataValidation.NonNegative(status.Active, path.Child("active")));
        errors.AddRange(MetadataValidation.NonNegative(status.Succeeded, path.Child("succeeded")));
        errors.AddRange(MetadataValidation.NonNegative(status.Failed, path.Child("failed")));
        errors.AddRange(MetadataValidation.NonNegative(status.Ready, path.Child("ready")));
        errors.AddRange(MetadataValidation.NonNegative(status.Terminating, path.Child("terminating")));
        return errors;
    }

    /// <summary>Unless the selector is manual, the template carries the generated labels and the selector picks them.</summary>
    private static List<FieldError> ValidateGeneratedSelector(Job job)
    {
        var errors = new List<FieldError>();
        var spec = job.Spec ?? new JobSpec();
        if (spec.ManualSelector == true || spec.Selector is null)
        {
            return errors;
        }
        var uid = job.Metadata.Uid ?? "";
        var name = job.Metadata.Name ?? "";
        if (uid.Length == 0)
        {
            errors.Add(FieldError.Required(Metadata.Child("uid")));
        }
        var labelsPath = Spec.Child("template", "metadata", "labels");
        var labels = spec.Template.Metadata.Labels ?? [];
        foreach (var (key, expected) in new[] { (Job.LegacyControllerUidLabel, uid), (Job.LegacyJobNameLabel, name), (Job.ControllerUidLabel, uid), (Job.JobNameLabel, name) })
        {
            if (!labels.TryGetValue(key, out var actual))
            {
                errors.Add(FieldError.Required(labelsPath.Key(key)));
            }
            else if (actual != expected)
            {
                errors.Add(FieldError.Invalid(labelsPath.Key(key), actual, $"must be '{expected}'"));
            }
        }
        var expectedLabels = new Dictionary<string, string>
        {
            [Job.LegacyControllerUidLabel] = uid,
            [Job.LegacyJobNameLabel] = name,
            [Job.ControllerUidLabel] = uid,
            [Job.JobNameLabel] = name,
        };
        if (SelectorMatch.ToPredicate(spec.Selector) is { } matches && !matches(expectedLabels))
        {
            errors.Add(FieldError.Invalid(Spec.Child("selector"), SelectorMatch.GoSyntax(spec.Selector), "`selector` not auto-generated"));
        }
        return errors;
    }

    private static List<FieldError> ValidateJobSpec(JobSpec spec, FieldPath path, bool withSelector)
    {
        var errors = new List<FieldError>();
        errors.AddRange(MetadataValidation.NonNegative(spec.Parallelism, path.Child("parallelism")));
        errors.AddRange(MetadataValidation.NonNegative(spec.Completions, path.Child("completions")));
        errors.AddRange(MetadataValidation.NonNegative(spec.ActiveDeadlineSeconds, path.Child("activeDeadlineSeconds")));
        errors.AddRange(MetadataValidation.NonNegative(spec.BackoffLimit, path.Child("backoffLimit")));
        errors.AddRange(MetadataValidation.NonNegative(spec.TtlSecondsAfterFinished, path.Child("ttlSecondsAfterFinished")));
        errors.AddRange(MetadataValidation.NonNegative(spec.BackoffLimitPerIndex, path.Child("backoffLimitPerIndex")));
        errors.AddRange(MetadataValidation.NonNegative(spec.MaxFailedIndexes, path.Child("maxFailedIndexes")));
        if (spec.CompletionMode is { } mode)
        {
            if (!CompletionModes.Contains(mode))
            {
                errors.Add(FieldError.NotSupported(path.Child("completionMode"), mode, CompletionModes));
            }
            else if (mode == "Indexed")
            {
                if (spec.Completions is null)
                {
                    errors.Add(FieldError.Required(path.Child("completions"), "when completion mode is Indexed"));
                }
                else if (spec.Completions > MaxParallelismForIndexedJob)
                {
                    errors.Add(FieldError.Invalid(path.Child("completions"), spec.Completions, $"must be less than or equal to {MaxParallelismForIndexedJob}"));
                }
                if (spec.Parallelism > MaxParallelismForIndexedJob)
                {
                    errors.Add(FieldError.Invalid(path.Child("parallelism"), spec.Parallelism, $"must be less than or equal to {MaxParallelismForIndexedJob}"));
                }
            }
        }
        if (spec.BackoffLimitPerIndex is not null && spec.CompletionMode != "Indexed")
        {
            errors.Add(FieldError.Required(path.Child("completionMode"), "when backoffLimitPerIndex is specified, completionMode must be \"Indexed\""));
        }
        if (spec.MaxFailedIndexes is { } maxFailed)
        {
            if (spec.BackoffLimitPerIndex is null)
            {
                errors.Add(FieldError.Required(path.Child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
            }
            else if (spec.Completions is { } completions && maxFailed > completions)
            {
                errors.Add(FieldError.Invalid(path.Child("maxFailedIndexes"), maxFailed, "must be less than or equal to completions"));
            }
        }
        if (spec.PodReplacementPolicy is { } replacement)
        {
            if (!ReplacementPolicies.Contains(replacement))
            {
                errors.Add(FieldError.NotSupported(path.Child("podReplacementPolicy"), replacement, ReplacementPolicies));
            }
            else if (spec.PodFailurePolicy is not null && replacement != "Failed")
            {
                errors.Add(FieldError.NotSupported(path.Child("podReplacementPolicy"), replacement, ["Failed"]));
            }
        }
        if (spec.SuccessPolicy is { } successPolicy)
        {
            errors.AddRange(ValidateSuccessPolicy(spec, successPolicy, path.Child("successPolicy")));
        }
        if (spec.PodFailurePolicy is { } policy)
        {
            errors.AddRange(ValidatePodFailurePolicy(spec, policy, path.Child("podFailurePolicy")));
        }

        if (withSelector)
        {
            if (spec.Selector is null)
            {
                errors.Add(FieldError.Required(path.Child("selector")));
            }
            else
            {
                errors.AddRange(MetadataValidation.ValidateLabelSelector(spec.Selector, path.Child("selector")));
                if (SelectorMatch.ToPredicate(spec.Selector) is { } matches && !matches(spec.Template.Metadata.Labels ?? []))
                {
                    errors.Add(FieldError.Invalid(path.Child("template", "metadata", "labels"), spec.Template.Metadata.Labels ?? new Dictionary<string, string>(),
                        "`selector` does not match template `labels`"));
                }
            }
        }

        var templatePath = path.Child("template");
        errors.AddRange(PodValidation.ValidateTemplate(spec.Template, templatePath));
        var restartPolicy = spec.Template.Spec.RestartPolicy ?? "";
        if (!RestartPolicies.Contains(restartPolicy))
        {
            errors.Add(FieldError.NotSupported(templatePath.Child("spec", "restartPolicy"), restartPolicy, RestartPolicies));
        }
        else if (spec.PodFailurePolicy is not null && restartPolicy != "Never")
        {
            errors.Add(FieldError.Invalid(templatePath.Child("spec", "restartPolicy"), restartPolicy, "only \"Never\" is supported when podFailurePolicy is specified"));
        }
        else if (spec.BackoffLimitPerIndex is not null && restartPolicy != "Never")
        {
            errors.Add(FieldError.Invalid(templatePath.Child("spec", "restartPolicy"), restartPolicy, "only \"Never\" is supported when backoffLimitPerIndex is specified"));
        }
        return errors;
    }

    private static List<FieldError> ValidatePodFailurePolicy(JobSpec spec, PodFailurePolicy policy, FieldPath path)
    {
        var errors = new List<FieldError>();
        var rulesPath = path.Child("rules");
        if (policy.Rules.Count > MaxPodFailurePolicyRules)
        {
            errors.Add(FieldError.TooMany(rulesPath, policy.Rules.Count, MaxPodFailurePolicyRules));
        }
        var containerNames = (spec.Template.Spec.Containers ?? []).Select(c => c.Name)
            .Concat((spec.Template.Spec.InitContainers ?? []).Select(c => c.Name)).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var rule = policy.Rules[i];
            var rulePath = rulesPath.Index(i);
            var actionPath = rulePath.Child("action");
            if (rule.Action == "FailIndex")
            {
                if (spec.BackoffLimitPerIndex is null)
                {
                    errors.Add(FieldError.Invalid(actionPath, rule.Action, "requires the backoffLimitPerIndex to be set"));
                }
            }
            else if (!PolicyActions.Contains(rule.Action))
            {
                errors.Add(FieldError.NotSupported(actionPath, rule.Action, PolicyActions));
            }
            if (rule.OnExitCodes is not null && rule.OnPodConditions is not null)
            {
                errors.Add(InvalidOmittingValue(rulePath, "specifying both OnExitCodes and OnPodConditions is not supported"));
            }
            else if (rule.OnExitCodes is null && rule.OnPodConditions is null)
            {
                errors.Add(InvalidOmittingValue(rulePath, "specifying one of OnExitCodes and OnPodConditions is required"));
            }
            if (rule.OnExitCodes is { } exitCodes)
            {
                errors.AddRange(ValidateOnExitCodes(exitCodes, containerNames, rulePath.Child("onExitCodes")));
            }
            if (rule.OnPodConditions is { } patterns)
            {
                var patternsPath = rulePath.Child("onPodConditions");
                if (patterns.Count > MaxPodFailurePolicyRules)
                {
                    errors.Add(FieldError.TooMany(patternsPath, patterns.Count, MaxPodFailurePolicyRules));
                }
                for (var j = 0; j < patterns.Count; j++)
                {
                    var pattern = patterns[j];
                    var patternPath = patternsPath.Index(j);
                    if (pattern.Status is not ("True" or "False" or "Unknown"))
                    {
                        errors.Add(FieldError.NotSupported(patternPath.Child("status"), pattern.Status ?? "", ["False", "True", "Unknown"]));
                    }
                    errors.AddRange(NameRules.QualifiedName(pattern.Type).Select(m => FieldError.Invalid(patternPath.Child("type"), pattern.Type, m)));
                }
            }
        }
        return errors;
    }

    private static List<FieldError> ValidateSuccessPolicy(JobSpec spec, SuccessPolicy policy, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (spec.CompletionMode != "Indexed")
        {
            errors.Add(FieldError.Invalid(path, new GoValue.GoSyntax("batch.SuccessPolicy{…}"), "requires indexed completion mode"));
            return errors;
        }
        var rulesPath = path.Child("rules");
        if (policy.Rules.Count == 0)
        {
            errors.Add(FieldError.Required(rulesPath, "at least one rules must be specified when the successPolicy is specified"));
        }
        if (policy.Rules.Count > MaxPodFailurePolicyRules)
        {
            errors.Add(FieldError.TooMany(rulesPath, policy.Rules.Count, MaxPodFailurePolicyRules));
        }
        var completions = spec.Completions ?? 0;
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var rule = policy.Rules[i];
            var rulePath = rulesPath.Index(i);
            if (rule.SucceededIndexes is null && rule.SucceededCount is null)
            {
                errors.Add(FieldError.Required(rulePath, "at least one of succeededCount or succeededIndexes must be specified"));
            }
            var indexCount = completions;
            if (rule.SucceededIndexes is { } indexes)
            {
                if (!SucceededIndexesPattern().IsMatch(indexes))
                {
                    errors.Add(FieldError.Invalid(rulePath.Child("succeededIndexes"), indexes, "error parsing succeededIndexes: must be a list of indexes and ranges such as 1,3-5"));
                }
                else
                {
                    indexCount = indexes.Split(',').Sum(part => part.Split('-') is [var a, var b] && int.TryParse(b, out var hi) && int.TryParse(a, out var lo) ? hi - lo + 1 : 1);
                }
            }
            if (rule.SucceededCount is { } count)
            {
                if (count < 0)
                {
                    errors.Add(FieldError.Invalid(rulePath.Child("succeededCount"), count, "must be greater than or equal to 0"));
                }
                else if (count > completions)
                {
                    errors.Add(FieldError.Invalid(rulePath.Child("succeededCount"), count, $"must indicate a number lower than or equal to .spec.completions ({completions})"));
                }
                else if (rule.SucceededIndexes is not null && count > indexCount)
                {
                    errors.Add(FieldError.Invalid(rulePath.Child("succeededCount"), count, $"must indicate a number lower than or equal to the number of indexes in .spec.successPolicy.rules[{i}].succeededIndexes ({indexCount})"));
                }
            }
        }
        return errors;
    }

    [GeneratedRegex(@"^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$")]
    private static partial Regex SucceededIndexesPattern();

    private static List<FieldError> ValidateOnExitCodes(PodFailurePolicyOnExitCodesRequirement requirement, HashSet<string> containerNames, FieldPath path)
    {
        var errors = new List<FieldError>();
        if (requirement.ContainerName is { } container && !containerNames.Contains(container))
        {
            errors.Add(FieldError.Invalid(path.Child("containerName"), container, "must be one of the container or initContainer names in the pod template"));
        }
        if (requirement.Operator is not ("In" or "NotIn"))
        {
            errors.Add(FieldError.NotSupported(path.Child("operator"), requirement.Operator, ["In", "NotIn"]));
        }
        var valuesPath = path.Child("values");
        if (requirement.Values.Count == 0)
        {
            errors.Add(FieldError.Invalid(valuesPath, requirement.Values, "at least one value is required"));
        }
        else if (requirement.Values.Count > MaxExitCodeValues)
        {
            errors.Add(FieldError.TooMany(valuesPath, requirement.Values.Count, MaxExitCodeValues));
        }
        var seen = new HashSet<int>();
        int? previous = null;
        for (var i = 0; i < requirement.Values.Count; i++)
        {
            var value = requirement.Values[i];
            if (!seen.Add(value))
            {
                errors.Add(FieldError.Duplicate(valuesPath.Index(i), value));
            }
            if (requirement.Operator == "In" && value == 0)
            {
                errors.Add(FieldError.Invalid(valuesPath.Index(i), value, "must not be 0 for the In operator"));
            }
            if (previous is { } p && p > value)
            {
                errors.Add(FieldError.Invalid(valuesPath.Index(i), value, "must be ordered"));
            }
            previous = value;
        }
        return errors;
    }

    private static List<FieldError> ValidateJobSpecUpdate(JobSpec spec, JobSpec old, Job oldJob)
    {
        var errors = new List<FieldError>();
        if (!SpecDiff.AreEqual(spec.Selector, old.Selector))
        {
            errors.Add(FieldError.Invalid(Spec.Child("selector"), SelectorMatch.GoSyntax(spec.Selector), MetadataValidation.FieldImmutable));
        }
        Immutable(spec.CompletionMode, old.CompletionMode, "completionMode", errors);
        Immutable(spec.BackoffLimitPerIndex, old.BackoffLimitPerIndex, "backoffLimitPerIndex", errors);
        Immutable(spec.ManagedBy, old.ManagedBy, "managedBy", errors);
        if (!SpecDiff.AreEqual(spec.PodFailurePolicy, old.PodFailurePolicy))
        {
            errors.Add(FieldError.Invalid(Spec.Child("podFailurePolicy"), new GoValue.GoSyntax("&batch.PodFailurePolicy{…}"), MetadataValidation.FieldImmutable));
        }
        if (!SpecDiff.AreEqual(spec.SuccessPolicy, old.SuccessPolicy))
        {
            errors.Add(FieldError.Invalid(Spec.Child("successPolicy"), new GoValue.GoSyntax("&batch.SuccessPolicy{…}"), MetadataValidation.FieldImmutable));
        }
        // Elastic Indexed Jobs: completions may change, but only together with parallelism (kept equal).
        if (spec.Completions != old.Completions)
        {
            if (spec.CompletionMode == "Indexed" && old.CompletionMode == "Indexed" && spec.Completions is not null && old.Completions is not null)
            {
                if (spec.Completions != spec.Parallelism)
                {
                    errors.Add(FieldError.Invalid(Spec.Child("completions"), spec.Completions, "can only be modified in tandem with spec.parallelism"));
                }
            }
            else
            {
                errors.Add(FieldError.Invalid(Spec.Child("completions"), spec.Completions, MetadataValidation.FieldImmutable));
            }
        }
        // A suspended Job that never started may change where its pods run (mutable scheduling directives).
        var comparable = Serialization.KubeJson.Deserialize<PodTemplateSpec>(Serialization.KubeJson.Serialize(old.Template)) ?? new PodTemplateSpec();
        if (old.Suspend == true && oldJob.Status?.StartTime is null)
        {
            comparable.Metadata.Labels = spec.Template.Metadata.Labels;
            comparable.Metadata.Annotations = spec.Template.Metadata.Annotations;
            comparable.Spec.NodeSelector = spec.Template.Spec.NodeSelector;
            comparable.Spec.Tolerations = spec.Template.Spec.Tolerations;
            comparable.Spec.Affinity = spec.Template.Spec.Affinity;
            comparable.Spec.SchedulingGates = spec.Template.Spec.SchedulingGates;
        }
        if (!SpecDiff.AreEqual(spec.Template, comparable))
        {
            errors.Add(FieldError.Invalid(Spec.Child("template"), new GoValue.GoSyntax("core.PodTemplateSpec{…}"), MetadataValidation.FieldImmutable));
        }
        return errors;
    }

    private static void Immutable<T>(T value, T old, string field, List<FieldError> errors)
    {
        if (!EqualityComparer<T>.Default.Equals(value, old))
        {
            errors.Add(FieldError.Invalid(Spec.Child(field), value, MetadataValidation.FieldImmutable));
        }
    }

    public static List<FieldError> ValidateCronJob(CronJob cronJob, CronJob? old)
    {
        var errors = old is null
            ? MetadataValidation.ValidateObjectMeta(cronJob.Metadata, requiresNamespace: true, MetadataValidation.DnsSubdomain, Metadata)
            : MetadataValidation.ValidateObjectMetaUpdate(cronJob.Metadata, old.Metadata, Metadata);
        // The Job names "<cronjob>-<minutes>" must stay within 63 characters.
        if (old is null && cronJob.Metadata.Name is { Length: > MaxCronJobNameLength } name)
        {
            errors.Add(FieldError.Invalid(Metadata.Child("name"), name, $"must be no more than {MaxCronJobNameLength} characters"));
        }
        var spec = cronJob.Spec ?? new CronJobSpec();
        var schedulePath = Spec.Child("schedule");
        if (spec.Schedule.Length == 0)
        {
            errors.Add(FieldError.Required(schedulePath));
        }
        else
        {
            if (!CronSchedule.TryParse(spec.Schedule, out _, out var error))
            {
                errors.Add(FieldError.Invalid(schedulePath, spec.Schedule, error));
            }
            if (spec.Schedule.Contains("TZ", StringComparison.Ordinal))
            {
                errors.Add(FieldError.Invalid(schedulePath, spec.Schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
            }
        }
        errors.AddRange(ValidateTimeZone(spec.TimeZone, Spec.Child("timeZone")));
        errors.AddRange(MetadataValidation.NonNegative(spec.StartingDeadlineSeconds, Spec.Child("startingDeadlineSeconds")));
        var concurrency = spec.ConcurrencyPolicy ?? "";
        if (concurrency.Length == 0)
        {
            errors.Add(FieldError.Required(Spec.Child("concurrencyPolicy")));
        }
        else if (!ConcurrencyPolicies.Contains(concurrency))
        {
            errors.Add(FieldError.NotSupported(Spec.Child("concurrencyPolicy"), concurrency, ConcurrencyPolicies));
        }
        errors.AddRange(MetadataValidation.NonNegative(spec.SuccessfulJobsHistoryLimit, Spec.Child("successfulJobsHistoryLimit")));
        errors.AddRange(MetadataValidation.NonNegative(spec.FailedJobsHistoryLimit, Spec.Child("failedJobsHistoryLimit")));

        var templatePath = Spec.Child("jobTemplate");
        errors.AddRange(MetadataValidation.ValidateLabels(spec.JobTemplate.Metadata.Labels, templatePath.Child("metadata", "labels")));
        errors.AddRange(MetadataValidation.ValidateAnnotations(spec.JobTemplate.Metadata.Annotations, templatePath.Child("metadata", "annotations")));
        var jobSpec = spec.JobTemplate.Spec;
        errors.AddRange(ValidateJobSpec(jobSpec, templatePath.Child("spec"), withSelector: false));
        if (jobSpec.Selector is not null)
        {
            errors.Add(FieldError.Invalid(templatePath.Child("spec", "selector"), SelectorMatch.GoSyntax(jobSpec.Selector), "`selector` will be auto-generated"));
        }
        if (jobSpec.ManualSelector == true)
        {
            errors.Add(FieldError.NotSupported(templatePath.Child("spec", "manualSelector"), true, ["nil", "false"]));
        }
        return errors;
    }

    private static List<FieldError> ValidateTimeZone(string? timeZone, FieldPath path)
    {
        if (timeZone is null)
        {
            return [];
        }
        if (timeZone.Length == 0)
        {
            return [FieldError.Invalid(path, timeZone, "timeZone must be nil or non-empty string")];
        }
        foreach (var part in timeZone.Split('/'))
        {
            if (part is "." or ".." || part.StartsWith('-') || !TimeZoneCharacters().IsMatch(part))
            {
                return [FieldError.Invalid(path, timeZone, $"unknown time zone {timeZone}")];
            }
        }
        if (string.Equals(timeZone, "Local", StringComparison.OrdinalIgnoreCase))
        {
            return [FieldError.Invalid(path, timeZone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")];
        }
        return CronTimeZones.TryFind(timeZone, out _) ? [] : [FieldError.Invalid(path, timeZone, $"unknown time zone {timeZone}")];
    }

    private static FieldError InvalidOmittingValue(FieldPath path, string detail) =>
        new(FieldError.InvalidReason, path.ToString(), "Invalid value: " + detail);

    [GeneratedRegex(@"^[A-Za-z\.\-_0-9+]{1,14}$")]
    private static partial Regex TimeZoneCharacters();
}
