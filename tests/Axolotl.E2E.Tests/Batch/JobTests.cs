using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Batch;

/// <summary>Jobs driven by the real kubectl: retries, backoff limit, pod failure policy, Indexed jobs, logs, wait, delete.</summary>
[Collection(SharedServerFCollection.Name)]
public sealed class JobTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(120);

    private Task<string> GetAsync(string ns, string resource, string jsonPath) =>
        fx.Kubectl.OkAsync("get", resource, "-n", ns, "-o", $"jsonpath={jsonPath}");

    private async Task WaitForConditionAsync(string ns, string job, string condition)
    {
        var result = await fx.Kubectl.RunAsync(["wait", $"--for=condition={condition}", $"job/{job}", "-n", ns, $"--timeout={(int)Slow.TotalSeconds}s"],
            stdin: null, timeout: Slow + TimeSpan.FromSeconds(10));
        Assert.True(result.ExitCode == 0, $"kubectl wait failed: {result}\n{await DiagnosticsAsync(ns)}");
        Assert.Equal($"job.batch/{job} condition met\n", result.Stdout);
    }

    private async Task<string> DiagnosticsAsync(string ns)
    {
        var state = await fx.Kubectl.RunAsync("get", "jobs,pods", "-n", ns, "-o", "yaml");
        var events = await fx.Kubectl.RunAsync("get", "events", "-n", ns);
        return $"{state.Output}\n{events.Output}";
    }

    private async Task<List<string>> EventsAsync(string ns, string name, string reason)
    {
        var text = await fx.Kubectl.OkAsync("get", "events", "-n", ns, "--field-selector", $"involvedObject.name={name},reason={reason}",
            "-o", "jsonpath={range .items[*]}{.type} {.message}{\"\\n\"}{end}");
        return [.. TableText.Lines(text)];
    }

    [Fact]
    public async Task A_job_whose_container_crashes_twice_then_succeeds_completes_with_one_success_and_its_restarts()
    {
        var ns = await fx.NewNamespaceAsync("retry");
        // OnFailure restarts the container in place: the emptyDir keeps the attempt count across restarts.
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: flaky, namespace: {{ns}}}
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  terminationGracePeriodSeconds: 1
                  volumes:
                  - name: state
                    emptyDir: {}
                  containers:
                  - name: main
                    image: busybox:1.36
                    volumeMounts: [{name: state, mountPath: /state}]
                    command: [sh, -c, 'n=$(( $(cat /state/n 2>/dev/null || echo 0) + 1 )); echo $n > /state/n; echo "attempt $n"; [ $n -ge 3 ]']
            """, "apply", "-f", "-");

        await WaitForConditionAsync(ns, "flaky", "complete");

        // The restarts happened in place: one pod, one success, no failed pods.
        Assert.Equal("1 ", await GetAsync(ns, "job/flaky", "{.status.succeeded} {.status.failed}"));
        var pod = Assert.Single(TableText.Lines(await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "batch.kubernetes.io/job-name=flaky", "-o", "name")));
        Assert.Equal("2 Succeeded", await GetAsync(ns, pod, "{.status.containerStatuses[0].restartCount} {.status.phase}"));
        Assert.Equal("attempt 3\n", await fx.Kubectl.OkAsync("logs", "job/flaky", "-n", ns));
        var row = TableText.Row(await fx.Kubectl.OkAsync("get", "jobs", "-n", ns), "flaky");
        Assert.Equal(["flaky", "Complete", "1/1"], row[..3]);
        Assert.Equal(["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], TableText.Header(await fx.Kubectl.OkAsync("get", "jobs", "-n", ns)));
        Assert.Equal(["Normal Job completed"], await EventsAsync(ns, "flaky", "Completed"));
        // Counted pods lose the tracking finalizer.
        Assert.Equal("", await GetAsync(ns, pod, "{.metadata.finalizers}"));
        Assert.Equal("True CompletionsReached True", await GetAsync(ns, "job/flaky",
            "{.status.conditions[?(@.type==\"SuccessCriteriaMet\")].status} {.status.conditions[?(@.type==\"Complete\")].reason} {.status.conditions[?(@.type==\"Complete\")].status}"));
    }

    [Fact]
    public async Task A_job_over_its_backoff_limit_fails_with_BackoffLimitExceeded()
    {
        var ns = await fx.NewNamespaceAsync("backoff");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: doomed, namespace: {{ns}}}
            spec:
              backoffLimit: 1
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox:1.36, command: [sh, -c, 'echo failing; exit 1']}
            """, "apply", "-f", "-");

        await WaitForConditionAsync(ns, "doomed", "failed");

        Assert.Equal("2 BackoffLimitExceeded Job has reached the specified backoff limit", await GetAsync(ns, "job/doomed",
            "{.status.failed} {.status.conditions[?(@.type==\"Failed\")].reason} {.status.conditions[?(@.type==\"Failed\")].message}"));
        Assert.Equal("True", await GetAsync(ns, "job/doomed", "{.status.conditions[?(@.type==\"FailureTarget\")].status}"));
        Assert.Equal(["Warning Job has reached the specified backoff limit"], await EventsAsync(ns, "doomed", "BackoffLimitExceeded"));
        Assert.Equal(2, (await EventsAsync(ns, "doomed", "SuccessfulCreate")).Count);
        Assert.Equal(["doomed", "Failed", "0/1"], TableText.Row(await fx.Kubectl.OkAsync("get", "jobs", "-n", ns), "doomed")[..3]);
        var pods = TableText.Lines(await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o", "jsonpath={range .items[*]}{.status.phase}{\"\\n\"}{end}"));
        Assert.Equal(["Failed", "Failed"], pods);
    }

    [Fact]
    public async Task A_pod_failure_policy_ignores_exit_code_42_and_fails_the_job_on_exit_code_3()
    {
        var ns = await fx.NewNamespaceAsync("policy");
        string Manifest(string name, int exitCode) => $$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: {{name}}, namespace: {{ns}}}
            spec:
              backoffLimit: 0
              podFailurePolicy:
                rules:
                - action: Ignore
                  onExitCodes: {operator: In, values: [42]}
                - action: FailJob
                  onExitCodes: {containerName: main, operator: In, values: [3]}
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox:1.36, command: [sh, -c, 'exit {{exitCode}}']}
            """;
        await fx.Kubectl.OkWithInputAsync(Manifest("ignored", 42), "apply", "-f", "-");
        await fx.Kubectl.OkWithInputAsync(Manifest("fatal", 3), "apply", "-f", "-");

        // backoffLimit 0, yet each pod failing with 42 is replaced and nothing counts as failed.
        await Eventually.UntilAsync(async () => TableText.Lines(await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "job-name=ignored",
            "--field-selector=status.phase=Failed", "-o", "name")).Length, n => n >= 3, "three ignored failures", Slow);
        Assert.Equal("", await GetAsync(ns, "job/ignored", "{.status.failed}"));
        Assert.Equal("Running", TableText.Row(await fx.Kubectl.OkAsync("get", "job", "ignored", "-n", ns), "ignored")[1]);

        await WaitForConditionAsync(ns, "fatal", "failed");
        var pod = (await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "job-name=fatal", "-o", "jsonpath={.items[0].metadata.name}")).Trim();
        Assert.Equal($"1 PodFailurePolicy Container main for pod {ns}/{pod} failed with exit code 3 matching FailJob rule at index 1", await GetAsync(ns, "job/fatal",
            "{.status.failed} {.status.conditions[?(@.type==\"Failed\")].reason} {.status.conditions[?(@.type==\"Failed\")].message}"));
        await fx.Kubectl.OkAsync("delete", "job", "ignored", "-n", ns, "--wait=true");
    }

    [Fact]
    public async Task An_indexed_job_runs_each_index_once_with_its_index_and_hostname()
    {
        var ns = await fx.NewNamespaceAsync("indexed");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: shards, namespace: {{ns}}}
            spec:
              completions: 3
              parallelism: 2
              completionMode: Indexed
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox:1.36, command: [sh, -c, 'echo "index=$JOB_COMPLETION_INDEX host=$(hostname)"']}
            """, "apply", "-f", "-");

        await WaitForConditionAsync(ns, "shards", "complete");

        Assert.Equal("3 0-2", await GetAsync(ns, "job/shards", "{.status.succeeded} {.status.completedIndexes}"));
        var pods = TableText.Lines(await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.batch\\.kubernetes\\.io/job-completion-index}{\"\\n\"}{end}"));
        Assert.Equal(3, pods.Length);
        foreach (var line in pods)
        {
            var (name, index) = (line.Split(' ')[0], line.Split(' ')[1]);
            Assert.StartsWith($"shards-{index}-", name, StringComparison.Ordinal);
            Assert.Equal($"index={index} host=shards-{index}\n", await fx.Kubectl.OkAsync("logs", name, "-n", ns));
        }
        Assert.Equal(["shards", "Complete", "3/3"], TableText.Row(await fx.Kubectl.OkAsync("get", "jobs", "-n", ns), "shards")[..3]);
    }

    [Fact]
    public async Task Kubectl_creates_waits_for_reads_logs_of_describes_and_deletes_a_job()
    {
        var ns = await fx.NewNamespaceAsync("kubectl");
        Assert.Equal("job.batch/hello created\n", await fx.Kubectl.OkAsync("create", "job", "hello", "--image=busybox:1.36", "-n", ns, "--", "echo", "hello from a job"));

        await WaitForConditionAsync(ns, "hello", "complete");

        Assert.Equal("hello from a job\n", await fx.Kubectl.OkAsync("logs", "job/hello", "-n", ns));
        var describe = await fx.Kubectl.OkAsync("describe", "job", "hello", "-n", ns);
        Assert.Contains("Completions:      1", describe, StringComparison.Ordinal);
        Assert.Contains("Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed", describe, StringComparison.Ordinal);
        Assert.Contains("Completion Mode:  NonIndexed", describe, StringComparison.Ordinal);
        Assert.Contains("SuccessfulCreate", describe, StringComparison.Ordinal);
        Assert.Contains("Completed", describe, StringComparison.Ordinal);
        var selector = await GetAsync(ns, "job/hello", "{.spec.selector.matchLabels.batch\\.kubernetes\\.io/controller-uid}");
        Assert.Equal(await GetAsync(ns, "job/hello", "{.metadata.uid}"), selector);
        Assert.Equal($"hello {selector} hello {selector}", await GetAsync(ns, "job/hello",
            "{.spec.template.metadata.labels.job-name} {.spec.template.metadata.labels.controller-uid} {.spec.template.metadata.labels.batch\\.kubernetes\\.io/job-name} {.spec.template.metadata.labels.batch\\.kubernetes\\.io/controller-uid}"));
        Assert.Equal("6 1 1 NonIndexed false TerminatingOrFailed Never", await GetAsync(ns, "job/hello",
            "{.spec.backoffLimit} {.spec.parallelism} {.spec.completions} {.spec.completionMode} {.spec.suspend} {.spec.podReplacementPolicy} {.spec.template.spec.restartPolicy}"));

        Assert.Contains("job.batch/hello", await fx.Kubectl.OkAsync("get", "all", "-n", ns), StringComparison.Ordinal);

        Assert.Equal("job.batch \"hello\" deleted\n", await fx.Kubectl.OkAsync("delete", "job", "hello", "-n", ns));
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o", "name"), p => p.Length == 0, "the job's pods deleted with it", Slow);
    }

    [Fact]
    public async Task A_deleted_running_job_takes_its_pods_with_it_and_leaves_no_finalizer_behind()
    {
        var ns = await fx.NewNamespaceAsync("cascade");
        await fx.Kubectl.OkAsync("create", "job", "sleeper", "--image=busybox:1.36", "-n", ns, "--", "sleep", "3600");
        await Eventually.UntilAsync(() => GetAsync(ns, "job/sleeper", "{.status.active}"), a => a == "1", "one active pod", Slow);

        await fx.Kubectl.OkAsync("delete", "job", "sleeper", "-n", ns, "--timeout=90s");
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o", "name"), p => p.Length == 0, "the job's pod gone", Slow);
    }

    [Fact]
    public async Task A_job_past_its_active_deadline_fails_and_a_finished_job_with_a_ttl_is_deleted()
    {
        var ns = await fx.NewNamespaceAsync("deadline");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: slow, namespace: {{ns}}}
            spec:
              activeDeadlineSeconds: 3
              template:
                spec:
                  restartPolicy: Never
                  terminationGracePeriodSeconds: 1
                  containers:
                  - {name: main, image: busybox:1.36, command: [sleep, "3600"]}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: brief, namespace: {{ns}}}
            spec:
              ttlSecondsAfterFinished: 2
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - {name: main, image: busybox:1.36, command: ["true"]}
            """, "apply", "-f", "-");

        await WaitForConditionAsync(ns, "slow", "failed");
        Assert.Equal("DeadlineExceeded Job was active longer than specified deadline", await GetAsync(ns, "job/slow",
            "{.status.conditions[?(@.type==\"Failed\")].reason} {.status.conditions[?(@.type==\"Failed\")].message}"));
        Assert.Equal(["Warning Job was active longer than specified deadline"], await EventsAsync(ns, "slow", "DeadlineExceeded"));
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "job-name=slow", "--field-selector=status.phase=Running", "-o", "name"));

        await Eventually.UntilAsync(async () => (await fx.Kubectl.RunAsync("get", "job", "brief", "-n", ns)).Stderr,
            e => e.Contains("NotFound", StringComparison.Ordinal), "the finished job deleted after its TTL", Slow);
        await Eventually.UntilAsync(() => fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-l", "job-name=brief", "-o", "name"), p => p.Length == 0, "its pod deleted with it", Slow);
    }

    [Fact]
    public async Task A_suspended_job_runs_nothing_until_resumed()
    {
        var ns = await fx.NewNamespaceAsync("suspend");
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: later, namespace: {{ns}}}
            spec:
              suspend: true
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - {name: main, image: busybox:1.36, command: ["true"]}
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => GetAsync(ns, "job/later", "{.status.conditions[?(@.type==\"Suspended\")].reason}"), r => r == "JobSuspended", "the Suspended condition", Slow);
        Assert.Equal(["later", "Suspended", "0/1"], TableText.Row(await fx.Kubectl.OkAsync("get", "job", "later", "-n", ns), "later")[..3]);
        Assert.Equal("", await fx.Kubectl.OkAsync("get", "pods", "-n", ns, "-o", "name"));

        await fx.Kubectl.OkAsync("patch", "job", "later", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":false}}");

        await WaitForConditionAsync(ns, "later", "complete");
        Assert.Equal("False JobResumed", await GetAsync(ns, "job/later", "{.status.conditions[?(@.type==\"Suspended\")].status} {.status.conditions[?(@.type==\"Suspended\")].reason}"));
    }

    [Fact]
    public async Task Discovery_lists_jobs_and_cronjobs_in_the_all_category()
    {
        var output = await fx.Kubectl.OkAsync("api-resources", "--api-group=batch", "-o", "wide");
        Assert.Equal(["cronjobs", "cj", "batch/v1", "true", "CronJob", "create,delete,deletecollection,get,list,patch,update,watch", "all"], TableText.Row(output, "cronjobs"));
        Assert.Equal(["jobs", "batch/v1", "true", "Job", "create,delete,deletecollection,get,list,patch,update,watch", "all"], TableText.Row(output, "jobs"));
        var explain = await fx.Kubectl.OkAsync("explain", "job.spec.backoffLimit");
        Assert.Contains("KIND:       Job", explain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_jobs_are_refused_with_the_upstream_field_errors()
    {
        var ns = await fx.NewNamespaceAsync("badjob");
        var always = await fx.Kubectl.FailAsync("create", "-n", ns, "-f", fx.WriteFile("always.yaml", """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: always}
            spec:
              template:
                spec:
                  containers: [{name: main, image: busybox:1.36}]
            """));
        Assert.Contains("The Job \"always\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"", always, StringComparison.Ordinal);

        var indexed = await fx.Kubectl.FailAsync("create", "-n", ns, "-f", fx.WriteFile("indexed.yaml", """
            apiVersion: batch/v1
            kind: Job
            metadata: {name: indexed}
            spec:
              parallelism: 2
              completionMode: Indexed
              backoffLimitPerIndex: -1
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: main, image: busybox:1.36}]
            """));
        Assert.Contains("spec.completions: Required value: when completion mode is Indexed", indexed, StringComparison.Ordinal);
        Assert.Contains("spec.backoffLimitPerIndex: Invalid value: -1: must be greater than or equal to 0", indexed, StringComparison.Ordinal);
        Assert.Contains("spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when backoffLimitPerIndex is specified", indexed, StringComparison.Ordinal);

        await fx.Kubectl.OkAsync("create", "job", "fixed", "--image=busybox:1.36", "-n", ns, "--", "sleep", "3600");
        var immutable = await fx.Kubectl.FailAsync("set", "image", "job/fixed", "fixed=busybox:1.37", "-n", ns);
        Assert.Contains("spec.template: Invalid value: core.PodTemplateSpec{", immutable, StringComparison.Ordinal);
        Assert.Contains("field is immutable", immutable, StringComparison.Ordinal);
        var completions = await fx.Kubectl.FailAsync("patch", "job", "fixed", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"completions\":5}}");
        Assert.Contains("The Job \"fixed\" is invalid: spec.completions: Invalid value: 5: field is immutable", completions, StringComparison.Ordinal);
        var selector = await fx.Kubectl.FailAsync("patch", "job", "fixed", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}}}}");
        Assert.Contains("spec.selector: Invalid value:", selector, StringComparison.Ordinal);
        Assert.Contains("field is immutable", selector, StringComparison.Ordinal);
        // Parallelism may change: it is how a running job is scaled.
        await fx.Kubectl.OkAsync("patch", "job", "fixed", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"parallelism\":0}}");
        await Eventually.UntilAsync(() => GetAsync(ns, "job/fixed", "{.status.active}"), a => a.Length == 0, "parallelism 0 stops the pod", Slow);
        Assert.Equal(["fixed", "Running", "0/1"], TableText.Row(await fx.Kubectl.OkAsync("get", "jobs", "-n", ns), "fixed")[..3]);
    }
}
