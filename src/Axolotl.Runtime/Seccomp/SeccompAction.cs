namespace Axolotl.Runtime.Seccomp;

/// <summary>The kernel's filter return values (SECCOMP_RET_*) for the OCI action names, as runc maps them.</summary>
public static class SeccompAction
{
    public const uint KillProcess = 0x80000000;
    public const uint KillThread = 0x00000000;
    public const uint Trap = 0x00030000;
    public const uint Errno = 0x00050000;
    public const uint Trace = 0x7ff00000;
    public const uint Log = 0x7ffc0000;
    public const uint Allow = 0x7fff0000;

    /// <summary>What a call with no other answer gets when runc is given no errno: EPERM.</summary>
    public const uint DefaultErrno = 1;

    public const uint ActionMask = 0xffff0000;

    /// <summary>
    /// The return value for an OCI action name, or null when runc does not know the name.
    /// SCMP_ACT_KILL is KILL_THREAD (runc); SCMP_ACT_NOTIFY is known but needs a listener.
    /// </summary>
    public static uint? Parse(string action, uint? errnoRet) => action switch
    {
        "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => KillThread,
        "SCMP_ACT_KILL_PROCESS" => KillProcess,
        "SCMP_ACT_TRAP" => Trap,
        // runc passes the errno as int16 to libseccomp, which keeps the low 16 bits.
        "SCMP_ACT_ERRNO" => Errno | ((errnoRet ?? DefaultErrno) & 0xffff),
        "SCMP_ACT_TRACE" => Trace | ((errnoRet ?? DefaultErrno) & 0xffff),
        "SCMP_ACT_LOG" => Log,
        "SCMP_ACT_ALLOW" => Allow,
        _ => null,
    };

    /// <summary>runc adds no ENOSYS stub when unknown calls are let through anyway (allow, log, trace).</summary>
    public static bool Permits(uint action) => (action & ActionMask) is Allow or Log or Trace;
}
