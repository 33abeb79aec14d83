using Axolotl.Api.Batch;
using Axolotl.Api.Defaulting;
using Axolotl.Api.Serialization;
using Axolotl.Api.Validation;
using static Axolotl.Api.Tests.Validation.ValidationHelpers;

namespace Axolotl.Api.Tests.Validation;

public sealed class BatchValidationTests
{
    private const string Template = """{"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox"}]}}""";

    /// <summary>A Job as the API server sees it on create: uid set, defaults and the generated selector applied.</summary>
    private static Job NewJob(string spec)
    {
        var job = KubeJson.Deserialize<Job>($$$"""{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi","namespace":"default","uid":"u-1"},"spec":{{{spec}}}}""")!;
        ObjectDefaulter.Apply(job);
        ObjectDefaulter.PrepareForCreate(job);
        return job;
    }

    private static List<string> JobErrors(string spec) => Errors(NewJob(spec));

    private static List<string> CronErrors(string spec) =>
        Errors<CronJob>($$$"""{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"tick","namespace":"default"},"spec":{{{spec}}}}""");

    private static string CronSpec(string schedule, string extra = "") =>
        $$$$"""{"schedule":"{{{{schedule}}}}"{{{{extra}}}},"jobTemplate":{"spec":{"template":{{{{Template}}}}}}}""";

    [Fact]
    public void A_job_gets_upstreams_defaults_and_a_selector_on_its_uid()
    {
        var job = NewJob($$$"""{"template":{{{Template}}}}""");
        Assert.Empty(Errors(job));
        var spec = job.Spec!;
        Assert.Equal((1, 1, 6, "NonIndexed", false, "TerminatingOrFailed"), (spec.Completions, spec.Parallelism, spec.BackoffLimit, spec.CompletionMode, spec.Suspend, spec.PodReplacementPolicy));
        Assert.Null(spec.ManualSelector);
        Assert.Equal(new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = "u-1" }, spec.Selector!.MatchLabels);
        Assert.Equal(new Dictionary<string, string>
        {
            ["batch.kubernetes.io/controller-uid"] = "u-1",
            ["batch.kubernetes.io/job-name"] = "pi",
            ["controller-uid"] = "u-1",
            ["job-name"] = "pi",
        }, spec.Template.Metadata.Labels);
    }

    [Fact]
    public void Only_parallelism_set_makes_a_work_queue_and_a_failure_policy_replaces_only_failed_pods()
    {
        var spec = NewJob($$$"""{"parallelism":3,"podFailurePolicy":{"rules":[{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget"}]}]},"template":{{{Template}}}}""").Spec!;
        Assert.Null(spec.Completions);
        Assert.Equal("Failed", spec.PodReplacementPolicy);
        Assert.Equal("True", spec.PodFailurePolicy!.Rules[0].OnPodConditions![0].Status);
        Assert.Equal(int.MaxValue, NewJob($$$"""{"completions":2,"completionMode":"Indexed","backoffLimitPerIndex":1,"template":{{{Template}}}}""").Spec!.BackoffLimit);
    }

    [Fact]
    public void A_job_template_must_restart_OnFailure_or_Never()
    {
        Assert.Equal(["spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""],
            JobErrors("""{"template":{"spec":{"containers":[{"name":"main","image":"busybox"}]}}}"""));
    }

    [Fact]
    public void Counts_must_not_be_negative_and_Indexed_jobs_need_completions()
    {
        Assert.Equal(
        [
            "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
            "spec.activeDeadlineSeconds: Invalid value: -5: must be greater than or equal to 0",
            "spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0",
            "spec.completions: Required value: when completion mode is Indexed",
        ], JobErrors($$$"""{"parallelism":-1,"activeDeadlineSeconds":-5,"backoffLimit":-2,"completionMode":"Indexed","template":{{{Template}}}}""")[..4]);
        Assert.Equal(["spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\""],
            JobErrors($$$"""{"completionMode":"Sometimes","template":{{{Template}}}}"""));
    }

    [Fact]
    public void Per_index_limits_need_an_Indexed_job_that_never_restarts_in_place()
    {
        Assert.Equal(
        [
            "spec.completionMode: Required value: when backoffLimitPerIndex is specified, completionMode must be \"Indexed\"",
            "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified",
        ], JobErrors($$$"""{"backoffLimitPerIndex":1,"template":{{{Template}}}}""").Concat(JobErrors($$$"""{"maxFailedIndexes":1,"template":{{{Template}}}}""")).ToList());
        Assert.Equal(["spec.maxFailedIndexes: Invalid value: 5: must be less than or equal to completions"],
            JobErrors($$$"""{"completions":2,"completionMode":"Indexed","backoffLimitPerIndex":1,"maxFailedIndexes":5,"template":{{{Template}}}}"""));
        Assert.Equal(["spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when backoffLimitPerIndex is specified"],
            JobErrors("""{"completions":2,"completionMode":"Indexed","backoffLimitPerIndex":1,"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"main","image":"busybox"}]}}}"""));
    }

    [Fact]
    public void Pod_failure_policy_rules_are_checked_as_upstream_does()
    {
        var errors = JobErrors($$$"""
            {"podFailurePolicy":{"rules":[
              {"action":"Retry","onExitCodes":{"operator":"In","values":[1]}},
              {"action":"FailIndex","onExitCodes":{"operator":"In","values":[1]}},
              {"action":"Ignore"},
              {"action":"Ignore","onExitCodes":{"operator":"In","values":[1]},"onPodConditions":[{"type":"DisruptionTarget"}]},
              {"action":"Count","onExitCodes":{"containerName":"other","operator":"Is","values":[3,0,3]}},
              {"action":"FailJob","onPodConditions":[{"type":"DisruptionTarget","status":"Maybe"}]}
            ]},"template":{{{Template}}}}
            """);
        Assert.Equal(
        [
            "spec.podFailurePolicy.rules[0].action: Unsupported value: \"Retry\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\"",
            "spec.podFailurePolicy.rules[1].action: Invalid value: \"FailIndex\": requires the backoffLimitPerIndex to be set",
            "spec.podFailurePolicy.rules[2]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required",
            "spec.podFailurePolicy.rules[3]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported",
            "spec.podFailurePolicy.rules[4].onExitCodes.containerName: Invalid value: \"other\": must be one of the container or initContainer names in the pod template",
            "spec.podFailurePolicy.rules[4].onExitCodes.operator: Unsupported value: \"Is\": supported values: \"In\", \"NotIn\"",
            "spec.podFailurePolicy.rules[4].onExitCodes.values[1]: Invalid value: 0: must be ordered",
            "spec.podFailurePolicy.rules[4].onExitCodes.values[2]: Duplicate value: 3",
            "spec.podFailurePolicy.rules[5].onPodConditions[0].status: Unsupported value: \"Maybe\": supported values: \"False\", \"True\", \"Unknown\"",
        ], errors);
        Assert.Equal(["spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator"],
            JobErrors($$$"""{"podFailurePolicy":{"rules":[{"action":"Ignore","onExitCodes":{"operator":"In","values":[0]}}]},"template":{{{Template}}}}"""));
        Assert.Equal(["spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified"],
            JobErrors("""{"podFailurePolicy":{"rules":[{"action":"Ignore","onExitCodes":{"operator":"In","values":[42]}}]},"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"main","image":"busybox"}]}}}"""));
    }

    [Fact]
    public void A_success_policy_needs_an_indexed_job_and_sensible_rules()
    {
        Assert.Equal(["spec.successPolicy: Invalid value: batch.SuccessPolicy{…}: requires indexed completion mode"],
            JobErrors($$$"""{"successPolicy":{"rules":[{"succeededCount":1}]},"template":{{{Template}}}}"""));
        Assert.Equal(
        [
            "spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified",
            "spec.successPolicy.rules[1].succeededIndexes: Invalid value: \"1-\": error parsing succeededIndexes: must be a list of indexes and ranges such as 1,3-5",
            "spec.successPolicy.rules[2].succeededCount: Invalid value: 9: must indicate a number lower than or equal to .spec.completions (4)",
            "spec.successPolicy.rules[3].succeededCount: Invalid value: 3: must indicate a number lower than or equal to the number of indexes in .spec.successPolicy.rules[3].succeededIndexes (2)",
        ], JobErrors($$$"""{"completions":4,"completionMode":"Indexed","successPolicy":{"rules":[{},{"succeededIndexes":"1-"},{"succeededCount":9},{"succeededIndexes":"0,2","succeededCount":3}]},"template":{{{Template}}}}"""));
        Assert.Empty(JobErrors($$$"""{"completions":4,"completionMode":"Indexed","successPolicy":{"rules":[{"succeededIndexes":"0-2","succeededCount":2}]},"template":{{{Template}}}}"""));
    }

    [Fact]
    public void A_selector_the_server_did_not_generate_is_refused_unless_manual()
    {
        Assert.Contains("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"x\", \"batch.kubernetes.io/controller-uid\":\"u-1\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated",
            JobErrors($$$"""{"selector":{"matchLabels":{"app":"x"}},"template":{{{Template}}}}"""));
        Assert.Empty(JobErrors("""{"manualSelector":true,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox"}]}}}"""));
    }

    [Fact]
    public void Selector_template_and_completions_are_immutable_but_parallelism_is_not()
    {
        var old = NewJob($$$"""{"template":{{{Template}}}}""");
        old.Metadata.ResourceVersion = "1";
        Job Changed(Action<JobSpec> change)
        {
            var job = KubeJson.Deserialize<Job>(KubeJson.Serialize(old))!;
            change(job.Spec!);
            return job;
        }
        Assert.Empty(Errors(Changed(s => s.Parallelism = 4), old));
        Assert.Equal(["spec.completions: Invalid value: 3: field is immutable"], Errors(Changed(s => s.Completions = 3), old));
        Assert.Equal(["spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable"], Errors(Changed(s => s.Template.Spec.Containers![0].Image = "busybox:2"), old));
        Assert.Contains(Errors(Changed(s => s.Selector!.MatchLabels!["x"] = "y"), old), e => e.StartsWith("spec.selector: Invalid value:", StringComparison.Ordinal) && e.EndsWith("field is immutable", StringComparison.Ordinal));
        Assert.Equal(["spec.completionMode: Invalid value: \"Indexed\": field is immutable", "spec.completions: Invalid value: 2: field is immutable"],
            Errors(Changed(s => { s.CompletionMode = "Indexed"; s.Completions = 2; }), old));
        // A suspended job that never started may move: its node selector may change.
        old.Spec!.Suspend = true;
        Assert.Empty(Errors(Changed(s => s.Template.Spec.NodeSelector = new() { ["disk"] = "ssd" }), old));
    }

    [Theory]
    [InlineData("bad", "spec.schedule: Invalid value: \"bad\": expected exactly 5 fields, found 1: [bad]")]
    [InlineData("61 * * * *", "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61")]
    [InlineData("* * 0 * *", "spec.schedule: Invalid value: \"* * 0 * *\": beginning of range (0) below minimum (1): 0")]
    [InlineData("*/0 * * * *", "spec.schedule: Invalid value: \"*/0 * * * *\": step of range should be a positive number: */0")]
    [InlineData("5-1 * * * *", "spec.schedule: Invalid value: \"5-1 * * * *\": beginning of range (5) beyond end of range (1): 5-1")]
    [InlineData("x * * * *", "spec.schedule: Invalid value: \"x * * * *\": failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax")]
    [InlineData("@fortnightly", "spec.schedule: Invalid value: \"@fortnightly\": unrecognized descriptor: @fortnightly")]
    public void Invalid_schedules_get_the_parsers_message(string schedule, string error) =>
        Assert.Equal([error], CronErrors(CronSpec(schedule)));

    [Theory]
    [InlineData("*/15 9-17 * jan-mar mon-fri")]
    [InlineData("0 0 1,15 * ?")]
    [InlineData("@yearly")]
    [InlineData("@annually")]
    [InlineData("@monthly")]
    [InlineData("@weekly")]
    [InlineData("@daily")]
    [InlineData("@midnight")]
    [InlineData("@hourly")]
    [InlineData("@every 1h30m")]
    public void Standard_schedules_and_macros_are_valid(string schedule) => Assert.Empty(CronErrors(CronSpec(schedule)));

    [Fact]
    public void Time_zones_must_be_IANA_names_and_not_in_the_schedule()
    {
        Assert.Empty(CronErrors(CronSpec("0 9 * * *", ""","timeZone":"Europe/Paris" """)));
        Assert.Equal(["spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"], CronErrors(CronSpec("0 9 * * *", ""","timeZone":"Mars/Olympus" """)));
        Assert.Equal(["spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"],
            CronErrors(CronSpec("0 9 * * *", ""","timeZone":"Local" """)));
        Assert.Equal(["spec.schedule: Invalid value: \"TZ=UTC 0 9 * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"], CronErrors(CronSpec("TZ=UTC 0 9 * * *")));
    }

    [Fact]
    public void A_cronjob_gets_its_defaults_and_its_job_template_is_checked()
    {
        var cronJob = Defaulted<CronJob>($$$"""{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"tick","namespace":"default"},"spec":{{{CronSpec("@hourly")}}}}""");
        var spec = cronJob.Spec!;
        Assert.Equal(("Allow", false, 3, 1), (spec.ConcurrencyPolicy, spec.Suspend, spec.SuccessfulJobsHistoryLimit, spec.FailedJobsHistoryLimit));
        Assert.Equal(["spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\""],
            CronErrors(CronSpec("@hourly", ""","concurrencyPolicy":"Sometimes" """)));
        Assert.Equal(["spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"], CronErrors(CronSpec("@hourly", ""","startingDeadlineSeconds":-1 """)));
        Assert.Contains("spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated",
            CronErrors($$$$"""{"schedule":"@hourly","jobTemplate":{"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{{{{Template}}}}}}}"""));
        Assert.Equal(["metadata.name: Invalid value: \"a-very-long-cronjob-name-that-is-longer-than-fifty-two\": must be no more than 52 characters"],
            Errors<CronJob>($$$"""{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"a-very-long-cronjob-name-that-is-longer-than-fifty-two","namespace":"default"},"spec":{{{CronSpec("@hourly")}}}}"""));
    }

    [Fact]
    public void Next_follows_fields_day_rules_and_time_zones()
    {
        var from = new DateTimeOffset(2026, 1, 5, 10, 7, 30, TimeSpan.Zero); // a Monday
        DateTimeOffset? Next(string spec, TimeZoneInfo? zone = null) => CronSchedule.Parse(spec).Next(from, zone ?? TimeZoneInfo.Utc);
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 10, 8, 0, TimeSpan.Zero), Next("* * * * *"));
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 10, 15, 0, TimeSpan.Zero), Next("*/15 * * * *"));
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), Next("@monthly"));
        Assert.Equal(new DateTimeOffset(2026, 1, 11, 0, 0, 0, TimeSpan.Zero), Next("@weekly"));
        // Day of month and day of week both restricted: either matches (the 10th, or a Friday).
        Assert.Equal(new DateTimeOffset(2026, 1, 9, 0, 0, 0, TimeSpan.Zero), Next("0 0 10 * fri"));
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 11, 30, 0, TimeSpan.Zero), Next("@every 1h22m30s"));
        Assert.True(CronTimeZones.TryFind("America/New_York", out var ny));
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(-5)), Next("0 9 * * *", ny));
        Assert.Null(Next("0 0 30 feb *"));
    }
}
