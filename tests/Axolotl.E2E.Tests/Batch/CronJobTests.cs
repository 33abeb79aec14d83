using Axolotl.E2E.Tests.Harness;

namespace Axolotl.E2E.Tests.Batch;

/// <summary>
/// CronJobs under a 60× faster controller clock (`--testing-cronjob-clock-rate 60`): each concurrency
/// policy, history limits, `kubectl create cronjob`, `kubectl create job --from=cronjob/X`, columns and
/// bad schedules. startingDeadlineSeconds bounds how many fast "minutes" count as missed.
/// </summary>
public sealed class CronJobTests(CronJobFixture fx) : IClassFixture<CronJobFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);

    private Task<string> GetAsync(string ns, string resource, string jsonPath) =>
        fx.Kubectl.OkAsync("get", resource, "-n", ns, "-o", $"jsonpath={jsonPath}");

    private static string Manifest(string ns, string name, string policy, string command, int successfulHistory = 3) => $$"""
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          schedule: "* * * * *"
          concurrencyPolicy: {{policy}}
          startingDeadlineSeconds: 120
          successfulJobsHistoryLimit: {{successfulHistory}}
          jobTemplate:
            metadata:
              labels: {cron: {{name}}}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox:1.36, command: [sh, -c, '{{command}}']}
        """;

    private async Task<List<string>> JobsAsync(string ns, string cron) =>
        [.. TableText.Lines(await fx.Kubectl.OkAsync("get", "jobs", "-n", ns, "-l", $"cron={cron}", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"))];

    private async Task<List<string>> EventsAsync(string ns, string name, string reason)
    {
        var text = await fx.Kubectl.OkAsync("get", "events", "-n", ns, "--field-selector", $"involvedObject.name={name},reason={reason}",
            "-o", "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}");
        return [.. TableText.Lines(text)];
    }

    [Fact]
    public async Task Allow_lets_runs_overlap_and_creates_jobs_named_after_their_scheduled_minute()
    {
        var ns = await fx.NewNamespaceAsync("allow");
        await fx.Kubectl.OkWithInputAsync(Manifest(ns, "overlap", "Allow", "sleep 30"), "apply", "-f", "-");

        await Eventually.UntilAsync(() => GetAsync(ns, "cronjob/overlap", "{.status.active[*].name}"), a => a.Split(' ').Length >= 2,
            "two jobs active at once", Slow);

        foreach (var job in await JobsAsync(ns, "overlap"))
        {
            Assert.Matches("^overlap-[0-9]{8}$", job);
            var minutes = long.Parse(job["overlap-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var stamp = await GetAsync(ns, $"job/{job}", "{.metadata.annotations.batch\\.kubernetes\\.io/cronjob-scheduled-timestamp}");
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(minutes * 60).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), stamp);
            Assert.Equal("CronJob overlap true", await GetAsync(ns, $"job/{job}", "{.metadata.ownerReferences[0].kind} {.metadata.ownerReferences[0].name} {.metadata.ownerReferences[0].controller}"));
        }
        var row = TableText.Row(await fx.Kubectl.OkAsync("get", "cronjobs", "-n", ns), "overlap");
        Assert.Equal(["overlap", "* * * * *", "<none>", "False"], row[..4]);
        Assert.Equal(["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"], TableText.Header(await fx.Kubectl.OkAsync("get", "cj", "-n", ns)));
        Assert.NotEmpty(await EventsAsync(ns, "overlap", "SuccessfulCreate"));
        await fx.Kubectl.OkAsync("patch", "cronjob", "overlap", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}");
    }

    [Fact]
    public async Task Forbid_skips_runs_while_one_is_active()
    {
        var ns = await fx.NewNamespaceAsync("forbid");
        await fx.Kubectl.OkWithInputAsync(Manifest(ns, "single", "Forbid", "sleep 600"), "apply", "-f", "-");

        await Eventually.UntilAsync(() => EventsAsync(ns, "single", "JobAlreadyActive"), e => e.Count > 0, "a skipped run", Slow);

        Assert.Equal("Not starting job because prior execution is running and concurrency policy is Forbid", (await EventsAsync(ns, "single", "JobAlreadyActive"))[0]);
        Assert.Single(await JobsAsync(ns, "single"));
        Assert.Single((await GetAsync(ns, "cronjob/single", "{.status.active[*].name}")).Split(' '));
        await fx.Kubectl.OkAsync("patch", "cronjob", "single", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}");
    }

    [Fact]
    public async Task Replace_deletes_the_running_job_for_the_next_one()
    {
        var ns = await fx.NewNamespaceAsync("replace");
        await fx.Kubectl.OkWithInputAsync(Manifest(ns, "swap", "Replace", "sleep 600"), "apply", "-f", "-");
        var first = await Eventually.UntilAsync(() => GetAsync(ns, "cronjob/swap", "{.status.active[*].name}"), a => a.Length > 0, "a first job", Slow);

        await Eventually.UntilAsync(() => EventsAsync(ns, "swap", "SuccessfulDelete"), e => e.Contains($"Deleted job {first}"), "the first job replaced", Slow);

        var active = await GetAsync(ns, "cronjob/swap", "{.status.active[*].name}");
        Assert.DoesNotContain(first, active, StringComparison.Ordinal);
        Assert.Single(active.Split(' '));
        await fx.Kubectl.OkAsync("patch", "cronjob", "swap", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}");
    }

    [Fact]
    public async Task Finished_jobs_are_seen_recorded_as_last_successful_and_trimmed_to_the_history_limit()
    {
        var ns = await fx.NewNamespaceAsync("history");
        await fx.Kubectl.OkWithInputAsync(Manifest(ns, "quick", "Allow", "true", successfulHistory: 2), "apply", "-f", "-");

        await Eventually.UntilAsync(() => EventsAsync(ns, "quick", "SuccessfulDelete"), e => e.Count >= 2, "old jobs deleted", Slow);
        await fx.Kubectl.OkAsync("patch", "cronjob", "quick", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}");

        Assert.NotEmpty(await EventsAsync(ns, "quick", "SawCompletedJob"));
        Assert.Matches("^Saw completed job: quick-[0-9]+, condition: Complete$", (await EventsAsync(ns, "quick", "SawCompletedJob"))[0]);
        Assert.NotEqual("", await GetAsync(ns, "cronjob/quick", "{.status.lastSuccessfulTime}"));
        await Eventually.UntilAsync(async () =>
        {
            var complete = await fx.Kubectl.OkAsync("get", "jobs", "-n", ns, "-l", "cron=quick", "-o", "jsonpath={range .items[?(@.status.completionTime)]}{.metadata.name}{\"\\n\"}{end}");
            return TableText.Lines(complete).Length;
        }, n => n <= 2, "at most 2 successful jobs kept", Slow);
    }

    [Fact]
    public async Task Kubectl_creates_a_cronjob_and_a_job_from_it_by_hand()
    {
        var ns = await fx.NewNamespaceAsync("manual");
        Assert.Equal("cronjob.batch/nightly created\n", await fx.Kubectl.OkAsync("create", "cronjob", "nightly", "--image=busybox:1.36",
            "--schedule=0 3 * * *", "-n", ns, "--", "echo", "manual run"));
        Assert.Equal("Allow 3 1 false OnFailure", await GetAsync(ns, "cronjob/nightly",
            "{.spec.concurrencyPolicy} {.spec.successfulJobsHistoryLimit} {.spec.failedJobsHistoryLimit} {.spec.suspend} {.spec.jobTemplate.spec.template.spec.restartPolicy}"));

        Assert.Equal("job.batch/by-hand created\n", await fx.Kubectl.OkAsync("create", "job", "by-hand", "--from=cronjob/nightly", "-n", ns));

        Assert.Equal("manual", await GetAsync(ns, "job/by-hand", "{.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}"));
        var result = await fx.Kubectl.RunAsync(["wait", "--for=condition=complete", "job/by-hand", "-n", ns, "--timeout=90s"], stdin: null, timeout: TimeSpan.FromSeconds(100));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("manual run\n", await fx.Kubectl.OkAsync("logs", "job/by-hand", "-n", ns));
        Assert.Contains("cronjob.batch/nightly", await fx.Kubectl.OkAsync("get", "all", "-n", ns), StringComparison.Ordinal);
        var describe = await fx.Kubectl.OkAsync("describe", "cronjob", "nightly", "-n", ns);
        Assert.Contains("Schedule:                      0 3 * * *", describe, StringComparison.Ordinal);
        Assert.Contains("Concurrency Policy:            Allow", describe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_schedules_and_time_zones_are_refused_with_the_upstream_messages()
    {
        var ns = await fx.NewNamespaceAsync("badcron");
        var bad = await fx.Kubectl.FailAsync("create", "cronjob", "bad", "--image=busybox:1.36", "--schedule=every day", "-n", ns);
        Assert.StartsWith("error: failed to create cronjob: CronJob", bad, StringComparison.Ordinal);
        Assert.Contains("\"bad\" is invalid: spec.schedule: Invalid value: \"every day\": expected exactly 5 fields, found 2: [every day]", bad, StringComparison.Ordinal);
        var range = await fx.Kubectl.FailAsync("create", "cronjob", "bad", "--image=busybox:1.36", "--schedule=0 25 * * *", "-n", ns);
        Assert.Contains("spec.schedule: Invalid value: \"0 25 * * *\": end of range (25) above maximum (23): 25", range, StringComparison.Ordinal);
        var zone = await fx.Kubectl.FailAsync("create", "-n", ns, "-f", fx.WriteFile("zone.yaml", """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: zoned}
            spec:
              schedule: "0 9 * * *"
              timeZone: Moon/Tranquility
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox:1.36}]
            """));
        Assert.Contains("spec.timeZone: Invalid value: \"Moon/Tranquility\": unknown time zone Moon/Tranquility", zone, StringComparison.Ordinal);
    }
}
