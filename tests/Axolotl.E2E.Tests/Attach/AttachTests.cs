using Axolotl.E2E.Tests.Harness;
using Axolotl.E2E.Tests.Harness.SharedServers;

namespace Axolotl.E2E.Tests.Attach;

/// <summary>
/// pods/attach with the real kubectl: `kubectl attach` to a container started with stdin,
/// `kubectl run -i --rm` and `kubectl run -it --rm … -- sh` on a terminal, and the official Python
/// client's attach.
/// </summary>
[Collection(SharedServerHCollection.Name)]
public sealed class AttachTests(SharedServerFixture fx) : IClassFixture<SharedServerFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(90);

    private async Task<string> StdinPodAsync(string ns, string name, bool stdinOnce, string script, bool tty = false)
    {
        await fx.Kubectl.OkWithInputAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}, namespace: {{ns}}}
            spec:
              restartPolicy: Never
              containers:
              - name: c
                image: busybox
                stdin: true
                stdinOnce: {{(stdinOnce ? "true" : "false")}}
                tty: {{(tty ? "true" : "false")}}
                command: [sh, -c, {{System.Text.Json.JsonSerializer.Serialize(script)}}]
            """, "apply", "-f", "-");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", name, "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", $"pod {name} to run", StartTimeout);
        return name;
    }

    [Fact]
    public async Task Attach_with_stdin_feeds_the_containers_own_process_and_stdin_once_closes_it_after_the_session()
    {
        var ns = await fx.NewNamespaceAsync("attach");
        var pod = await StdinPodAsync(ns, "reader", stdinOnce: true, "echo ready; while read l; do echo \"got $l\"; done; echo bye");

        // With stdinOnce the container's stdin closes when the client's ends: the loop ends and says bye,
        // and the session goes on until the container's output ends.
        var result = await fx.Kubectl.RunAsync(["attach", "-i", pod, "-c", "c", "-n", ns], "one\ntwo\n", timeout: SessionTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("got one\ngot two\nbye\n", result.Stdout, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", pod, "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Succeeded", "the pod to end once its stdin closed", StartTimeout);
        // What attach showed went to the log too.
        var logs = await fx.Kubectl.OkAsync("logs", pod, "-n", ns);
        Assert.Equal("ready\ngot one\ngot two\nbye\n", logs);
    }

    [Fact]
    public async Task Attach_with_a_tty_to_a_container_without_one_says_so_and_attaches_without()
    {
        var ns = await fx.NewNamespaceAsync("attach");
        var pod = await StdinPodAsync(ns, "plain", stdinOnce: true, "while read l; do echo \"got $l\"; done");

        var result = await fx.Kubectl.RunAsync(["attach", "-it", pod, "-n", ns], "hello\n", timeout: SessionTimeout);

        Assert.Contains("Unable to use a TTY - container c did not allocate one", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("got hello", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_without_stdin_streams_the_output_of_a_running_container()
    {
        var ns = await fx.NewNamespaceAsync("attach");
        await fx.Kubectl.OkAsync("run", "ticker", "-n", ns, "--image=busybox", "--", "sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done");
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "ticker", "-n", ns, "-o", "jsonpath={.status.phase}"),
            r => r.Stdout == "Running", "pod ticker to run", StartTimeout);

        await using var attach = fx.Kubectl.Start("attach", "ticker", "-n", ns);
        var seen = await attach.WaitForStdoutAsync(s => s.Split('\n').Count(l => l.StartsWith("tick ", StringComparison.Ordinal)) >= 2,
            "two ticks through attach", SessionTimeout);

        Assert.Matches(@"tick \d+\ntick \d+\n", seen);
    }

    [Fact]
    public async Task Run_interactive_with_rm_prints_the_output_and_deletes_the_pod()
    {
        var ns = await fx.NewNamespaceAsync("attach");

        // The container answers what kubectl's stdin sends through the attach: a plain `echo hi` could
        // finish before kubectl attaches, and then (as on Kubernetes) its output is not streamed.
        var result = await fx.Kubectl.RunAsync(["run", "-i", "--rm", "--restart=Never", "x", "-n", ns, "--image=busybox", "--", "sh", "-c", "read line; echo \"$line\""], "hi\n", timeout: SessionTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("hi\n", result.Stdout, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "x", "-n", ns),
            r => r.ExitCode != 0 && r.Stderr.Contains("NotFound", StringComparison.Ordinal), "pod x to be deleted", StartTimeout);
    }

    [Fact]
    public async Task Run_it_with_rm_gives_a_shell_on_a_terminal_and_deletes_the_pod_after()
    {
        var ns = await fx.NewNamespaceAsync("attach");
        await using var terminal = TerminalSession.Start(fx.Server.Kubeconfig, Path.Combine(fx.Server.DataDir, "kube-cache"), fx.Server.DataDir,
            "run", "-it", "--rm", "--restart=Never", "shell", "-n", ns, "--image=busybox", "--", "sh");

        await terminal.WaitForAsync("If you don't see a command prompt, try pressing enter.", StartTimeout);
        // The terminal echoes what is typed: only the shell's own output has the evaluated numbers.
        await terminal.TypeAsync("echo answer=$((6*7)); [ -t 0 ] && echo on-a-tty-$((1+1))\n");
        await terminal.WaitForAsync("on-a-tty-2", SessionTimeout);
        Assert.Contains("answer=42", terminal.Screen, StringComparison.Ordinal);
        await terminal.TypeAsync("exit\n");
        var code = await terminal.WaitForExitAsync(SessionTimeout);

        Assert.True(code == 0, terminal.Screen);
        Assert.Contains($"pod \"shell\" deleted", terminal.Screen, StringComparison.Ordinal);
        await Eventually.UntilAsync(() => fx.Kubectl.RunAsync("get", "pod", "shell", "-n", ns),
            r => r.ExitCode != 0 && r.Stderr.Contains("NotFound", StringComparison.Ordinal), "pod shell to be deleted", StartTimeout);
    }

    [Fact]
    public async Task The_python_client_attaches_over_websocket_v4()
    {
        var ns = await fx.NewNamespaceAsync("attach");
        var pod = await StdinPodAsync(ns, "echoer", stdinOnce: false, "while read l; do echo \"got $l\"; echo \"err $l\" >&2; done");
        var script = fx.WriteFile("attach.py", """
            import os, sys, time
            from kubernetes import client, config
            from kubernetes.stream import stream
            config.load_kube_config(os.environ["KUBECONFIG"])
            api = client.CoreV1Api()
            resp = stream(api.connect_get_namespaced_pod_attach, sys.argv[2], sys.argv[1], container="c",
                          stdin=True, stdout=True, stderr=True, tty=False, _preload_content=False)
            resp.write_stdin("from python\n")
            out, err = "", ""
            deadline = time.time() + 60
            while resp.is_open() and time.time() < deadline and not ("got from python" in out and "err from python" in err):
                resp.update(timeout=1)
                out += resp.read_stdout() or ""
                err += resp.read_stderr() or ""
            resp.close()
            print("stdout=" + out.strip())
            print("stderr=" + err.strip())
            """);

        var result = await ProcessRunner.RunAsync("/usr/bin/python3", [script, ns, pod], new Dictionary<string, string> { ["KUBECONFIG"] = fx.Server.Kubeconfig },
            timeout: SessionTimeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("stdout=got from python\n", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("stderr=err from python\n", result.Stdout, StringComparison.Ordinal);
    }
}
