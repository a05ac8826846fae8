namespace WebPeerBridge.Peer.Presence;

/// <summary>
/// Positions of a list found by the name at each position, ignoring case: an open-addressing table of ints (linear
/// probing, at most three quarters full, deletion by shifting back), 5 to 11 bytes per name where a
/// <see cref="HashSet{T}"/> of positions costs 16 to 32. Not thread-safe: its owner locks.
/// </summary>
/// <param name="nameAt">The name at a position of the owner's list.</param>
internal sealed class NameIndex(Func<int, string> nameAt)
{
    private const int MinSize = 4;

    // Position + 1; 0 = empty.
    private int[] _table = [];
    private int _mask = -1;

    public int Count { get; private set; }

    /// <summary>The position of <paramref name="name"/>, or -1.</summary>
    public int Find(string name)
    {
        if (Count == 0)
        {
            return -1;
        }

        for (var i = Hash(name) & _mask; _table[i] != 0; i = (i + 1) & _mask)
        {
            var position = _table[i] - 1;
            if (string.Equals(nameAt(position), name, StringComparison.OrdinalIgnoreCase))
            {
                return position;
            }
        }

        return -1;
    }

    /// <summary>Adds <paramref name="position"/>, whose name the index must not hold yet.</summary>
    public void Add(int position)
    {
        if ((Count + 1) * 4 > _table.Length * 3)
        {
            Resize(Count + 1);
        }

        Place(position);
        Count++;
    }

    /// <summary>Takes <paramref name="position"/> out; its name must still be the one it was added with.</summary>
    public void Remove(int position)
    {
        if (Count == 0)
        {
            return;
        }

        var hole = Hash(nameAt(position)) & _mask;
        while (_table[hole] != position + 1)
        {
            if (_table[hole] == 0)
            {
                return;
            }

            hole = (hole + 1) & _mask;
        }

        // Shift back every later entry of the run that may not sit past the hole, so that no probe stops short.
        for (var next = (hole + 1) & _mask; _table[next] != 0; next = (next + 1) & _mask)
        {
            var home = Hash(nameAt(_table[next] - 1)) & _mask;
            var homeIsBetween = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!homeIsBetween)
            {
                _table[hole] = _table[next];
                hole = next;
            }
        }

        _table[hole] = 0;
        Count--;
    }

    /// <summary>Empties the index, sized for <paramref name="count"/> names.</summary>
    public void Clear(int count)
    {
        Count = 0;
        var size = SizeFor(count);
        if (size == 0)
        {
            _table = [];
            _mask = -1;
        }
        else
        {
            _table = new int[size];
            _mask = size - 1;
        }
    }

    private static int Hash(string name) => string.GetHashCode(name, StringComparison.OrdinalIgnoreCase);

    // The smallest power of two at least a third above count: the table is at most three quarters full.
    private static int SizeFor(int count) => count == 0 ? 0 : Math.Max(MinSize, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(count + ((count + 2) / 3))));

    private void Resize(int count)
    {
        var old = _table;
        Clear(count);
        foreach (var entry in old)
        {
            if (entry != 0)
            {
                Place(entry - 1);
                Count++;
            }
        }
    }

    private void Place(int position)
    {
        var i = Hash(nameAt(position)) & _mask;
        while (_table[i] != 0)
        {
            i = (i + 1) & _mask;
        }

        _table[i] = position + 1;
    }
}
