namespace Axolotl.ApiServer.FlowControl;

/// <summary>
/// Deals a hand of distinct queues from a flow's hash: the hash read as a mixed-radix number picks the
/// first card among all queues, the next among the rest, and so on, so two flows share a whole hand
/// only when their hashes agree on every digit. Also the flow hash itself (FNV-1a, stable across runs).
/// </summary>
public static class ShuffleSharding
{
    public static int[] Deal(ulong hash, int deckSize, int handSize)
    {
        handSize = Math.Clamp(handSize, 1, Math.Max(deckSize, 1));
        var hand = new int[handSize];
        for (var i = 0; i < handSize; i++)
        {
            var remaining = (ulong)(deckSize - i);
            var pick = (int)(hash % remaining);
            hash /= remaining;
            // The pick-th card not yet dealt: shift past every dealt card at or below it, in order.
            var sorted = hand[..i].Order().ToArray();
            foreach (var dealt in sorted)
            {
                if (dealt <= pick)
                {
                    pick++;
                }
            }
            hand[i] = pick;
        }
        return hand;
    }

    public static ulong FlowHash(string flowSchema, string distinguisher)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in flowSchema + "\n" + distinguisher)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }
}
