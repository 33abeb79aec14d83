using System.Collections;

namespace Axolotl.Cel.Values;

/// <summary>
/// The list <c>a + b</c>, a view over both sides rather than a copy, as cel-go's concatList. Concatenation costs 1 at
/// runtime upstream, so copying would let a rule that doubles a list a few dozen times exhaust memory within its cost;
/// as a view it holds one node per <c>+</c>, and reading every item costs at least one comprehension step each.
/// </summary>
internal sealed class CelConcatList : IReadOnlyList<object>
{
    private readonly IReadOnlyList<object> _first;
    private readonly IReadOnlyList<object> _second;

    private CelConcatList(IReadOnlyList<object> first, IReadOnlyList<object> second)
    {
        _first = first;
        _second = second;
        Count = checked(first.Count + second.Count);
    }

    public int Count { get; }

    public static IReadOnlyList<object> Of(IReadOnlyList<object> first, IReadOnlyList<object> second) =>
        first.Count == 0 ? second : second.Count == 0 ? first : new CelConcatList(first, second);

    public object this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            IReadOnlyList<object> list = this;
            while (list is CelConcatList concat)
            {
                if (index < concat._first.Count)
                {
                    list = concat._first;
                }
                else
                {
                    index -= concat._first.Count;
                    list = concat._second;
                }
            }
            return list[index];
        }
    }

    public IEnumerator<object> GetEnumerator()
    {
        // Depth-first over the tree of views, without recursion, so a long chain of + cannot exhaust the stack.
        var pending = new Stack<IReadOnlyList<object>>();
        pending.Push(this);
        while (pending.TryPop(out var list))
        {
            if (list is CelConcatList concat)
            {
                pending.Push(concat._second);
                pending.Push(concat._first);
                continue;
            }
            foreach (var item in list)
            {
                yield return item;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
