namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// Compiles an OCI seccomp profile to a classic BPF program, with the meaning runc (libseccomp
/// underneath) gives it:
/// <list type="bullet">
/// <item>the call's ABI is checked first: x86_64 always (libseccomp's native arch), x32 and i386 when
/// listed; any other ABI gets the bad-architecture action, KILL_THREAD;</item>
/// <item>per ABI, a binary search over the call number (ranges of calls with the same answer are one
/// leaf), then per call its rules: the first unconditional rule wins over everything after it
/// (libseccomp keeps it and drops narrower rules); conditional rules are tried in profile order, the
/// conditions of one rule all must hold (64-bit comparisons on 64-bit ABIs, the low 32 bits on i386),
/// and two conditions on the same argument become two rules, as runc does;</item>
/// <item>rules whose action is the default are dropped, names the ABI's table lacks are skipped;</item>
/// <item>calls numbered above the highest call the profile names get ENOSYS unless the default lets
/// calls through (runc's -ENOSYS stub: libc then falls back from a call the kernel may be too new for).</item>
/// </list>
/// Invalid names (actions, operators, architectures, flags) fail as runc fails at task creation.
/// </summary>
public static class SeccompCompiler
{
    private const int MaxArguments = 6;
    private const uint Enosys = 38;

    /// <summary>Compiles <paramref name="profile"/>; null when the profile disables seccomp (no default action, no calls).</summary>
    public static SeccompFilter? Compile(OciSeccompProfile profile)
    {
        if (profile.Disabled)
        {
            return null;
        }
        var flags = Flags(profile.Flags);
        var arches = new List<SeccompArch> { SeccompArch.X86_64 };
        foreach (var name in profile.Architectures ?? [])
        {
            if (!SeccompArch.KnownOciNames.Contains(name))
            {
                throw Invalid($"string {name} is not a valid arch for seccomp");
            }
            // Other ABIs are valid names but never reach an x86_64 kernel's filter.
            if (SeccompArch.All.FirstOrDefault(a => a.OciName == name) is { } arch && !arches.Contains(arch))
            {
                arches.Add(arch);
            }
        }
        var defaultAction = Action(profile.DefaultAction, profile.DefaultErrnoRet);
        var calls = Expand(profile, defaultAction);

        var asm = new BpfAssembler();
        var x86_64 = asm.NewLabel();
        var i386 = arches.Contains(SeccompArch.X86) ? asm.NewLabel() : null;
        var x32 = arches.Contains(SeccompArch.X32) ? asm.NewLabel() : null;
        var badArch = asm.NewLabel();
        asm.Load(SeccompData.ArchOffset);
        var notX86_64 = asm.NewLabel();
        asm.Jump(BpfInstruction.JumpEqual, SeccompArch.X86_64.AuditArch, x86_64, notX86_64);
        asm.Place(notX86_64);
        if (i386 is not null)
        {
            asm.Jump(BpfInstruction.JumpEqual, SeccompArch.X86.AuditArch, i386, badArch);
        }
        else
        {
            asm.JumpTo(badArch);
        }

        asm.Place(x86_64);
        asm.Load(SeccompData.NumberOffset);
        var native = asm.NewLabel();
        asm.Jump(BpfInstruction.JumpGreaterEqual, SeccompArch.X32SyscallBit, x32 ?? badArch, native);
        asm.Place(native);
        Section(asm, SeccompArch.X86_64, calls, defaultAction);
        if (x32 is not null)
        {
            // Entered straight from the bit test: A still holds the call number.
            asm.Place(x32);
            Section(asm, SeccompArch.X32, calls, defaultAction);
        }
        if (i386 is not null)
        {
            asm.Place(i386);
            asm.Load(SeccompData.NumberOffset);
            Section(asm, SeccompArch.X86, calls, defaultAction);
        }
        asm.Place(badArch);
        asm.Return(SeccompAction.KillThread);
        return new SeccompFilter(asm.Assemble(), flags);
    }

    /// <summary>One profile rule for one call name: its action and the conditions that must all hold.</summary>
    private sealed record Call(string Name, uint Action, IReadOnlyList<OciSeccompArg> Conditions, bool SameAsDefault);

    private static List<Call> Expand(OciSeccompProfile profile, uint defaultAction)
    {
        var calls = new List<Call>();
        foreach (var entry in profile.Syscalls)
        {
            var action = Action(entry.Action, entry.ErrnoRet);
            foreach (var arg in entry.Args ?? [])
            {
                if (!Operators.Contains(arg.Op))
                {
                    throw Invalid($"string {arg.Op} is not a valid operator for seccomp");
                }
            }
            foreach (var name in entry.Names)
            {
                if (name.Length == 0)
                {
                    throw Invalid("empty string is not a valid syscall");
                }
                var args = entry.Args ?? [];
                var bad = args.FirstOrDefault(a => a.Index >= MaxArguments);
                if (bad is not null)
                {
                    throw Invalid($"error creating seccomp syscall condition for syscall {name}: argument index {bad.Index} is out of range (0-5)");
                }
                if (args.Count > 1 && args.Select(a => a.Index).Distinct().Count() < args.Count)
                {
                    // runc: conditions sharing an argument are added as separate rules (OR).
                    calls.AddRange(args.Select(a => new Call(name, action, [a], action == defaultAction)));
                }
                else
                {
                    calls.Add(new Call(name, action, args, action == defaultAction));
                }
            }
        }
        return calls;
    }

    private sealed class Rules
    {
        public uint? Unconditional { get; set; }

        public List<Call> Conditional { get; } = [];
    }

    /// <summary>What a range of call numbers leads to: a return value, or the rules of one call.</summary>
    private sealed record Range(uint Low, uint High, uint? Return, Rules? Rules);

    private static void Section(BpfAssembler asm, SeccompArch arch, List<Call> calls, uint defaultAction)
    {
        var table = arch.Table;
        var byNumber = new SortedDictionary<uint, Rules>();
        uint? highest = null;
        foreach (var call in calls)
        {
            if (!table.TryGetNumber(call.Name, out var number))
            {
                continue;
            }
            highest = highest is { } h && h > number ? h : number;
            if (call.SameAsDefault)
            {
                continue;
            }
            if (!byNumber.TryGetValue(number, out var rules))
            {
                byNumber[number] = rules = new Rules();
            }
            if (rules.Unconditional is not null)
            {
                continue;
            }
            if (call.Conditions.Count == 0)
            {
                rules.Unconditional = call.Action;
                rules.Conditional.Clear();
            }
            else
            {
                rules.Conditional.Add(call);
            }
        }
        uint? stubAbove = SeccompAction.Permits(defaultAction) ? null : highest;
        var ranges = Ranges(arch, byNumber, defaultAction, stubAbove);
        var blocks = new List<(BpfAssembler.Label Label, Rules Rules)>();
        Tree(asm, ranges, 0, ranges.Count, blocks);
        foreach (var (label, rules) in blocks)
        {
            asm.Place(label);
            Block(asm, arch, rules, defaultAction);
        }
    }

    private static List<Range> Ranges(SeccompArch arch, SortedDictionary<uint, Rules> byNumber, uint defaultAction, uint? stubAbove)
    {
        var ranges = new List<Range>();
        void Add(uint low, uint high, uint? ret, Rules? rules)
        {
            if (ret is not null && ranges.Count > 0 && ranges[^1] is { Return: { } previous } last && previous == ret && (ulong)last.High + 1 == low)
            {
                ranges[^1] = last with { High = high };
                return;
            }
            ranges.Add(new Range(low, high, ret, rules));
        }
        void Gap(ulong low, ulong high)
        {
            if (low > high)
            {
                return;
            }
            if (stubAbove is { } stub && high > stub)
            {
                if (low <= stub)
                {
                    Add((uint)low, stub, defaultAction, null);
                }
                Add((uint)Math.Max(low, (ulong)stub + 1), (uint)high, SeccompAction.Errno | Enosys, null);
                return;
            }
            Add((uint)low, (uint)high, defaultAction, null);
        }
        ulong next = arch.NumberBase;
        foreach (var (number, rules) in byNumber)
        {
            if (number > next)
            {
                Gap(next, (ulong)number - 1);
            }
            if (rules.Unconditional is { } action)
            {
                Add(number, number, action, null);
            }
            else
            {
                Add(number, number, null, rules);
            }
            next = (ulong)number + 1;
        }
        Gap(next, arch.SectionEnd);
        // The search tree relies on the ranges tiling the section in order.
        for (var i = 0; i < ranges.Count; i++)
        {
            var expectedLow = i == 0 ? arch.NumberBase : (ulong)ranges[i - 1].High + 1;
            if (ranges[i].Low != expectedLow || ranges[i].High < ranges[i].Low)
            {
                throw new InvalidOperationException($"seccomp ranges of {arch.Name} do not tile its call numbers at {ranges[i].Low}");
            }
        }
        return ranges[^1].High == arch.SectionEnd ? ranges : throw new InvalidOperationException($"seccomp ranges of {arch.Name} stop short");
    }

    /// <summary>A binary search over the ranges' lower bounds; A holds the call number throughout.</summary>
    private static void Tree(BpfAssembler asm, List<Range> ranges, int from, int to, List<(BpfAssembler.Label, Rules)> blocks)
    {
        if (to - from == 1)
        {
            var range = ranges[from];
            if (range.Return is { } ret)
            {
                asm.Return(ret);
            }
            else
            {
                var block = asm.NewLabel();
                blocks.Add((block, range.Rules!));
                asm.JumpTo(block);
            }
            return;
        }
        var middle = (from + to) / 2;
        var upper = asm.NewLabel();
        var lower = asm.NewLabel();
        asm.Jump(BpfInstruction.JumpGreaterEqual, ranges[middle].Low, upper, lower);
        asm.Place(lower);
        Tree(asm, ranges, from, middle, blocks);
        asm.Place(upper);
        Tree(asm, ranges, middle, to, blocks);
    }

    /// <summary>One call's conditional rules in order; the first whose conditions all hold answers, else the default.</summary>
    private static void Block(BpfAssembler asm, SeccompArch arch, Rules rules, uint defaultAction)
    {
        foreach (var rule in rules.Conditional)
        {
            var fail = asm.NewLabel();
            foreach (var condition in rule.Conditions)
            {
                var pass = asm.NewLabel();
                Condition(asm, arch.Is64Bit, condition, pass, fail);
                asm.Place(pass);
            }
            asm.Return(rule.Action);
            asm.Place(fail);
        }
        asm.Return(defaultAction);
    }

    private static void Condition(BpfAssembler asm, bool wide, OciSeccompArg arg, BpfAssembler.Label pass, BpfAssembler.Label fail)
    {
        var low = SeccompData.ArgumentOffset(arg.Index);
        var high = low + 4;
        var value = arg.Value;
        var (vHigh, vLow) = ((uint)(value >> 32), (uint)value);
        if (!wide)
        {
            // A 32-bit ABI's arguments are 32 bits: libseccomp compares the low word only.
            asm.Load(low);
            switch (arg.Op)
            {
                case "SCMP_CMP_EQ": asm.Jump(BpfInstruction.JumpEqual, vLow, pass, fail); break;
                case "SCMP_CMP_NE": asm.Jump(BpfInstruction.JumpEqual, vLow, fail, pass); break;
                case "SCMP_CMP_GT": asm.Jump(BpfInstruction.JumpGreater, vLow, pass, fail); break;
                case "SCMP_CMP_GE": asm.Jump(BpfInstruction.JumpGreaterEqual, vLow, pass, fail); break;
                case "SCMP_CMP_LT": asm.Jump(BpfInstruction.JumpGreaterEqual, vLow, fail, pass); break;
                case "SCMP_CMP_LE": asm.Jump(BpfInstruction.JumpGreater, vLow, fail, pass); break;
                case "SCMP_CMP_MASKED_EQ":
                    asm.And(vLow);
                    asm.Jump(BpfInstruction.JumpEqual, (uint)arg.ValueTwo, pass, fail);
                    break;
            }
            return;
        }
        var lowWord = asm.NewLabel();
        switch (arg.Op)
        {
            case "SCMP_CMP_EQ":
            case "SCMP_CMP_NE":
                var equal = arg.Op == "SCMP_CMP_EQ";
                asm.Load(high);
                asm.Jump(BpfInstruction.JumpEqual, vHigh, lowWord, equal ? fail : pass);
                asm.Place(lowWord);
                asm.Load(low);
                asm.Jump(BpfInstruction.JumpEqual, vLow, equal ? pass : fail, equal ? fail : pass);
                break;
            case "SCMP_CMP_MASKED_EQ":
                var (dHigh, dLow) = ((uint)(arg.ValueTwo >> 32), (uint)arg.ValueTwo);
                asm.Load(high);
                asm.And(vHigh);
                asm.Jump(BpfInstruction.JumpEqual, dHigh, lowWord, fail);
                asm.Place(lowWord);
                asm.Load(low);
                asm.And(vLow);
                asm.Jump(BpfInstruction.JumpEqual, dLow, pass, fail);
                break;
            default:
                // GT/GE hold when the high word is greater, or equal with the low word deciding; LT and
                // LE are their negations (not GE, not GT).
                var greaterOrEqual = arg.Op is "SCMP_CMP_GE" or "SCMP_CMP_LT";
                var negated = arg.Op is "SCMP_CMP_LT" or "SCMP_CMP_LE";
                var (yes, no) = negated ? (fail, pass) : (pass, fail);
                var notGreater = asm.NewLabel();
                asm.Load(high);
                asm.Jump(BpfInstruction.JumpGreater, vHigh, yes, notGreater);
                asm.Place(notGreater);
                asm.Jump(BpfInstruction.JumpEqual, vHigh, lowWord, no);
                asm.Place(lowWord);
                asm.Load(low);
                asm.Jump(greaterOrEqual ? BpfInstruction.JumpGreaterEqual : BpfInstruction.JumpGreater, vLow, yes, no);
                break;
        }
    }

    private static readonly HashSet<string> Operators = new(StringComparer.Ordinal)
    {
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
    };

    private static uint Action(string name, uint? errnoRet)
    {
        if (name == "SCMP_ACT_NOTIFY")
        {
            throw Invalid("SCMP_ACT_NOTIFY needs a seccomp agent (listenerPath), which this runtime does not support");
        }
        return SeccompAction.Parse(name, errnoRet) ?? throw Invalid($"string {name} is not a valid action for seccomp");
    }

    /// <summary>runc: no "flags" at all means SPEC_ALLOW (the speculative store bypass mitigation stays the task's choice).</summary>
    private static uint Flags(IReadOnlyList<string>? names)
    {
        if (names is null)
        {
            return SeccompFilter.FlagSpecAllow;
        }
        uint flags = 0;
        foreach (var name in names)
        {
            flags |= name switch
            {
                // One thread execs the container: there are no other threads to synchronise.
                "SECCOMP_FILTER_FLAG_TSYNC" => 0u,
                "SECCOMP_FILTER_FLAG_LOG" => SeccompFilter.FlagLog,
                "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => SeccompFilter.FlagSpecAllow,
                _ => throw Invalid($"seccomp flag {name} is not known to runc"),
            };
        }
        return flags;
    }

    private static SeccompProfileException Invalid(string message) => new(message, atStart: true);
}
