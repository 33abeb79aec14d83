namespace Axolotl.Runtime.Seccomp;

/// <summary>
/// Builds a classic BPF program with symbolic labels. Conditional jumps only reach 255 instructions
/// ahead; one that must go further becomes "jcc 0,1; ja true; ja false" (ja reaches 2^32), and the
/// layout is redone until every jump fits. Jumps go forward only, as the kernel requires.
/// </summary>
internal sealed class BpfAssembler
{
    /// <summary>The kernel's limit (BPF_MAXINSNS).</summary>
    public const int MaxInstructions = 4096;

    private readonly List<Item> _items = [];

    public sealed class Label;

    private abstract record Item;

    private sealed record Statement(ushort Code, uint K) : Item;

    private sealed record Conditional(ushort Code, uint K, Label True, Label False) : Item
    {
        public bool Long { get; set; }
    }

    private sealed record Goto(Label Target) : Item;

    private sealed record Mark(Label Label) : Item;

    public Label NewLabel() => new();

    public void Place(Label label) => _items.Add(new Mark(label));

    /// <summary>A = the 32-bit word at <paramref name="offset"/> of struct seccomp_data.</summary>
    public void Load(uint offset) => _items.Add(new Statement(BpfInstruction.LoadWordAbsolute, offset));

    public void And(uint mask) => _items.Add(new Statement(BpfInstruction.AndConstant, mask));

    public void Return(uint action) => _items.Add(new Statement(BpfInstruction.ReturnConstant, action));

    public void Jump(ushort code, uint k, Label whenTrue, Label whenFalse) => _items.Add(new Conditional(code, k, whenTrue, whenFalse));

    public void JumpTo(Label target) => _items.Add(new Goto(target));

    public BpfInstruction[] Assemble()
    {
        Dictionary<Label, int> positions;
        int length;
        bool grew;
        do
        {
            (positions, length) = Layout();
            grew = false;
            var position = 0;
            foreach (var item in _items)
            {
                // Widths as this pass's layout counted them: a jump made long now moves labels only in the next pass.
                var width = Width(item);
                if (item is Conditional { Long: false } jump)
                {
                    var t = Offset(positions, jump.True, position + 1);
                    var f = Offset(positions, jump.False, position + 1);
                    if (t > byte.MaxValue || f > byte.MaxValue)
                    {
                        jump.Long = true;
                        grew = true;
                    }
                }
                position += width;
            }
        }
        while (grew);

        if (length > MaxInstructions)
        {
            throw new SeccompProfileException($"the seccomp filter needs {length} BPF instructions, more than the kernel's {MaxInstructions}", atStart: true);
        }
        var program = new List<BpfInstruction>(length);
        foreach (var item in _items)
        {
            var here = program.Count;
            switch (item)
            {
                case Statement s:
                    program.Add(new BpfInstruction(s.Code, 0, 0, s.K));
                    break;
                case Goto g:
                    program.Add(new BpfInstruction(BpfInstruction.JumpAlways, 0, 0, (uint)Offset(positions, g.Target, here + 1)));
                    break;
                case Conditional { Long: false } c:
                    program.Add(new BpfInstruction(c.Code, (byte)Offset(positions, c.True, here + 1), (byte)Offset(positions, c.False, here + 1), c.K));
                    break;
                case Conditional c:
                    program.Add(new BpfInstruction(c.Code, 0, 1, c.K));
                    program.Add(new BpfInstruction(BpfInstruction.JumpAlways, 0, 0, (uint)Offset(positions, c.True, here + 2)));
                    program.Add(new BpfInstruction(BpfInstruction.JumpAlways, 0, 0, (uint)Offset(positions, c.False, here + 3)));
                    break;
            }
        }
        return [.. program];
    }

    private (Dictionary<Label, int> Positions, int Length) Layout()
    {
        var positions = new Dictionary<Label, int>();
        var position = 0;
        foreach (var item in _items)
        {
            if (item is Mark mark)
            {
                positions[mark.Label] = position;
            }
            position += Width(item);
        }
        return (positions, position);
    }

    private static int Width(Item item) => item switch
    {
        Mark => 0,
        Conditional { Long: true } => 3,
        _ => 1,
    };

    private static int Offset(Dictionary<Label, int> positions, Label target, int from)
    {
        if (!positions.TryGetValue(target, out var position))
        {
            throw new InvalidOperationException("a BPF jump to a label that was never placed");
        }
        var offset = position - from;
        return offset >= 0 ? offset : throw new InvalidOperationException("a backward BPF jump");
    }
}
