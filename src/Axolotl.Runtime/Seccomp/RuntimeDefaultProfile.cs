namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// The RuntimeDefault profile: the one containerd (2.0, contrib/seccomp) gives a container, as the
/// kubelet asks for it. An allow-list with the default action ERRNO (EPERM), for x86_64 with the
/// x32 and i386 ABIs, some calls allowed only with certain arguments (personality's safe values,
/// socket without AF_ALG and AF_VSOCK, clone without namespace flags) and groups of calls allowed only
/// when the container holds the capability they need. containerd decides by the container's bounding
/// set, which the CRI plugin makes equal to its effective set: <paramref name="capabilities"/> of
/// <see cref="For"/> is that set ("CAP_SYS_ADMIN" …).
/// </summary>
public static class RuntimeDefaultProfile
{
    /// <summary>EPERM by default; ENOSYS for clone3 so that libc falls back to clone.</summary>
    private const uint Enosys = 38;

    private const ulong AfAlg = 38;
    private const ulong AfVsock = 40;

    /// <summary>CLONE_NEWNS | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET | NEWCGROUP.</summary>
    private const ulong CloneNamespaceFlags = 0x00020000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x02000000;

    /// <summary>Allowed for every container (names this kernel's headers lack are skipped by the compiler).</summary>
    private static readonly string[] Allowed = """
        _llseek _newselect accept accept4 access adjtimex alarm bind brk cachestat capget capset chdir chmod
        chown chown32 clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime
        clock_gettime64 clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range
        creat dup dup2 dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2
        epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2
        fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchmodat2 fchown fchown32
        fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat
        fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_requeue futex_time64
        futex_wait futex_waitv futex_wake futimesat get_robust_list get_thread_area getcpu getcwd getdents
        getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getitimer
        getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid getresgid32 getresuid
        getresuid32 getrlimit getrusage getsid getsockname getsockopt gettid gettimeofday getuid getuid32
        getxattr inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel io_destroy
        io_getevents io_pgetevents io_pgetevents_time64 io_setup io_submit ioctl ioprio_get ioprio_set ipc
        kill landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link
        linkat listen listxattr llistxattr lremovexattr lseek lsetxattr lstat lstat64 madvise
        map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock
        mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive
        mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd
        msync munlock munlockall munmap name_to_handle_at nanosleep newfstatat open openat openat2 pause
        pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64
        prctl pread64 preadv preadv2 prlimit64 process_mrelease pselect6 pselect6_time64 pwrite64 pwritev
        pwritev2 read readahead readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg
        remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir rseq rt_sigaction
        rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait
        rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min
        sched_getaffinity sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval
        sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam sched_setscheduler
        sched_yield seccomp select semctl semget semop semtimedop semtimedop_time64 send sendfile sendfile64
        sendmmsg sendmsg sendto set_robust_list set_thread_area set_tid_address setfsgid setfsgid32 setfsuid
        setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority setregid setregid32
        setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit setsid setsockopt setuid
        setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask
        sigreturn socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat sync
        sync_file_range syncfs sysinfo tee tgkill time timer_create timer_delete timer_getoverrun
        timer_gettime timer_gettime64 timer_settime timer_settime64 timerfd_create timerfd_gettime
        timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask
        uname unlink unlinkat utime utimensat utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid
        write writev
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Groups of calls allowed when the container holds the capability.</summary>
    private static readonly (string Capability, string[] Names)[] ByCapability =
    [
        ("CAP_DAC_READ_SEARCH", ["open_by_handle_at"]),
        ("CAP_SYS_ADMIN", ["bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie", "mount",
            "mount_setattr", "move_mount", "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns",
            "syslog", "umount", "umount2", "unshare"]),
        ("CAP_SYS_BOOT", ["reboot"]),
        ("CAP_SYS_CHROOT", ["chroot"]),
        ("CAP_SYS_MODULE", ["delete_module", "init_module", "finit_module"]),
        ("CAP_SYS_PACCT", ["acct"]),
        ("CAP_SYS_PTRACE", ["kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"]),
        ("CAP_SYS_RAWIO", ["iopl", "ioperm"]),
        ("CAP_SYS_TIME", ["settimeofday", "stime", "clock_settime", "clock_settime64"]),
        ("CAP_SYS_TTY_CONFIG", ["vhangup"]),
        ("CAP_SYS_NICE", ["get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"]),
        ("CAP_SYSLOG", ["syslog"]),
        ("CAP_BPF", ["bpf"]),
        ("CAP_PERFMON", ["perf_event_open"]),
    ];

    /// <summary>The architectures containerd lists on amd64.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"];

    /// <param name="capabilities">The container's capability (bounding) set, "CAP_…" names.</param>
    /// <param name="kernel">The node's kernel version: ptrace and process_vm_* are safe from 4.8 on.</param>
    public static OciSeccompProfile For(IEnumerable<string> capabilities, Version kernel)
    {
        var caps = new HashSet<string>(capabilities, StringComparer.Ordinal);
        var syscalls = new List<OciSeccompSyscall>
        {
            new(Allowed, "SCMP_ACT_ALLOW"),
            // socket(2) for every family but AF_ALG and AF_VSOCK, as three single-condition rules:
            // runc turns two conditions on one argument into two rules (OR), which would allow both.
            new(["socket"], "SCMP_ACT_ALLOW", [new OciSeccompArg(0, AfAlg, "SCMP_CMP_LT")]),
            new(["socket"], "SCMP_ACT_ALLOW", [new OciSeccompArg(0, AfAlg + 1, "SCMP_CMP_EQ")]),
            new(["socket"], "SCMP_ACT_ALLOW", [new OciSeccompArg(0, AfVsock, "SCMP_CMP_GT")]),
        };
        // personality(2): PER_LINUX, PER_LINUX32 (0x8), UNAME26 (0x20000) and both, and the query 0xffffffff.
        foreach (var persona in (ulong[])[0x0, 0x0008, 0x20000, 0x20008, 0xffffffff])
        {
            syscalls.Add(new(["personality"], "SCMP_ACT_ALLOW", [new OciSeccompArg(0, persona, "SCMP_CMP_EQ")]));
        }
        if (kernel >= new Version(4, 8))
        {
            syscalls.Add(new(["process_vm_readv", "process_vm_writev", "ptrace"], "SCMP_ACT_ALLOW"));
        }
        syscalls.Add(new(["arch_prctl", "modify_ldt"], "SCMP_ACT_ALLOW"));
        foreach (var (capability, names) in ByCapability)
        {
            if (caps.Contains(capability))
            {
                syscalls.Add(new(names, "SCMP_ACT_ALLOW"));
            }
        }
        if (!caps.Contains("CAP_SYS_ADMIN"))
        {
            syscalls.Add(new(["clone"], "SCMP_ACT_ALLOW", [new OciSeccompArg(0, CloneNamespaceFlags, "SCMP_CMP_MASKED_EQ", 0)]));
            syscalls.Add(new(["clone3"], "SCMP_ACT_ERRNO", ErrnoRet: Enosys));
        }
        return new OciSeccompProfile("SCMP_ACT_ERRNO", syscalls, Architectures);
    }
}
