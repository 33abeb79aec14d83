namespace Axolotl.Runtime;

/// <summary>
/// The shell chain that starts a container when the native launcher (<see cref="NativeLauncher"/>,
/// which does the same in one process) was not built. It is passed as <c>sh -c</c> text (never
/// written to a file: a file under /tmp would vanish behind the container's private /tmp). Stages:
/// <list type="number">
/// <item>outer: appends stdout/stderr to the log, runs "enter" as a child (not exec) and, when it
/// ends, writes its exit status to the exit file. That file is how an agent started later learns the
/// exit code of a container it did not start. The outer shell stays outside the container's cgroups
/// so that cgroup.kill cannot take it down before it records the status.</item>
/// <item>enter: joins the cgroups, then execs nsenter (pod netns) and unshare (pid, mount, uts, ipc;
/// --kill-child so killing unshare takes the namespace down).</item>
/// <item>init (inside the namespaces): binds the pod's /etc/hosts and /etc/resolv.conf, changes directory, mounts a private
/// /tmp, sets the hostname and execs tini, which forwards signals and passes exit codes on (unshare
/// 2.38 alone turns a SIGKILLed child into exit 1 and swallows SIGTERM).</item>
/// </list>
/// A launcher failure writes its reason to "&lt;exit file&gt;.err", which tells it apart from the
/// application exiting with the same code.
/// </summary>
internal static class LaunchScripts
{
    // $1 enter-script $2 init-script $3 exit-file $4 log-file, then the enter arguments.
    // The TERM/INT/HUP trap keeps the recorder alive; a caught trap is reset on exec, so children keep default dispositions.
    public const string Outer = """
        trap : TERM INT HUP
        enter=$1 init=$2 exitf=$3 log=$4; shift 4
        exec >>"$log" 2>&1 </dev/null
        /bin/sh -c "$enter" axl-enter "$init" "$exitf" "$@"
        code=$?
        echo "$code" >"$exitf"
        exit "$code"
        """;

    // $1 init-script $2 exit-file $3 cgroup.procs files (colon separated) $4 netns or -, then the init arguments.
    public static string Enter(string nsenter, string unshare) => $$"""
        init=$1 exitf=$2 procs=$3 ns=$4; shift 4
        IFS=:
        for f in $procs; do echo $$ >"$f" || { echo "cannot join cgroup $f" >"$exitf.err"; exit 125; }; done
        unset IFS
        if [ "$ns" = - ]; then
          exec {{unshare}} --fork --pid --mount --uts --ipc --mount-proc --kill-child /bin/sh -c "$init" axl-init "$exitf" "$@"
        fi
        exec {{nsenter}} --net=/run/netns/"$ns" {{unshare}} --fork --pid --mount --uts --ipc --mount-proc --kill-child /bin/sh -c "$init" axl-init "$exitf" "$@"
        """;

    // $1 exit-file $2 hostname $3 hosts-file or - $4 resolv.conf or - $5 working dir or - $6 tmpfs size
    // $7 environment file, "--", then argv. The container's environment (shell-quoted NAME=value words,
    // ContainerEnvironment) is read before the private /tmp hides a state directory there, and given to
    // tini alone: every shell of the chain runs with the agent's clean environment.
    public static string Init(string tini) => $$"""
        exitf=$1 hn=$2 hosts=$3 resolv=$4 wd=$5 tmp=$6 envf=$7; shift 8
        vars=$(cat "$envf") || { echo "cannot read the environment file $envf" >"$exitf.err"; exit 126; }
        fail() { echo "$1" >"$exitf.err"; exit 126; }
        if [ "$hosts" != - ]; then mount --bind "$hosts" /etc/hosts || fail "cannot mount /etc/hosts"; fi
        if [ "$resolv" != - ]; then mount --bind "$resolv" /etc/resolv.conf || fail "cannot mount /etc/resolv.conf"; fi
        if [ "$wd" != - ]; then cd "$wd" || fail "cannot change to working directory $wd"; fi
        # An executable living under /tmp (a test build, a worktree) must stay visible behind the private /tmp.
        keep=; case "$1" in /tmp/?*/*) keep=${1%/*};; esac
        if [ -n "$keep" ]; then mkdir -p /run/axolotl-keep && mount --bind "$keep" /run/axolotl-keep || fail "cannot keep $keep"; fi
        mount -t tmpfs -o size="$tmp",mode=1777 tmpfs /tmp || fail "cannot mount /tmp"
        if [ -n "$keep" ]; then mkdir -p "$keep" && mount --move /run/axolotl-keep "$keep" || fail "cannot keep $keep"; fi
        echo "$hn" >/proc/sys/kernel/hostname || fail "cannot set hostname $hn"
        eval "exec env -i $vars {{ProcessRuntime.ShellQuote(tini)}} -s -- \"\$@\""
        """;

    // Exec (shell chain): $1 cgroup.procs files $2 environment file $3 nsenter $4 the init's pid, "--", then argv.
    // The command gets the container's environment inside its namespaces, through env -i.
    public const string JoinAndExec = """
        procs=$1 envf=$2 nsenter=$3 pid=$4; shift 5
        IFS=:
        for f in $procs; do echo $$ >"$f" || exit 125; done
        unset IFS
        vars=$(cat "$envf") || exit 125
        eval "exec \"\$nsenter\" -t \"\$pid\" --net --pid --mount --uts --ipc --wd -- env -i $vars \"\$@\""
        """;


    // Fallback (no isolation): $1 exit-file $2 log-file $3 working dir or -, "--", then argv.
    public const string Plain = """
        trap : TERM INT HUP
        exitf=$1 log=$2 wd=$3; shift 4
        exec >>"$log" 2>&1 </dev/null
        if [ "$wd" != - ]; then cd "$wd" || { echo "cannot change to working directory $wd" >"$exitf.err"; exit 126; }; fi
        "$@"
        code=$?
        echo "$code" >"$exitf.tmp" && mv -f "$exitf.tmp" "$exitf"
        exit "$code"
        """;
}
