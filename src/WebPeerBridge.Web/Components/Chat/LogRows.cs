namespace WebPeerBridge.Web.Components.Chat;

/// <summary>
/// The rows of a message log, oldest first, split in two: the older ones, which <c>Virtualize</c> renders (only those
/// near the view), and the newest ones, always rendered, in blocks of <see cref="LinesPerBlock"/>, so that a new line
/// renders its block again and leaves the others alone.
/// </summary>
/// <remarks>
/// While the reader follows the newest line, at least <see cref="NewestRendered"/> rows are rendered: more than a tall
/// window shows (plus Virtualize's 50 px margin), so the older rows' spacer stays out of view and Virtualize never slides
/// its window (a round trip to the browser and a second render for every line). They grow to twice that, then half go
/// to Virtualize at once (a block taken off the top makes Blazor match the blocks by key again: once per 50 lines, not
/// per line). While the reader is scrolled up they stay, up to <see cref="NewestRenderedAtMost"/>: moving them would
/// shift what is read.
/// </remarks>
internal sealed class LogRows
{
    public const int NewestRendered = 50;

    public const int NewestRenderedAtMost = 4 * NewestRendered;

    public const int LinesPerBlock = 10;

    private readonly List<LineView> _lines = [];
    private readonly Dictionary<long, LineView[]> _blocks = [];
    private long _nextOrdinal;

    public LogRows() => Older = new ListPrefix<LineView>(_lines);

    /// <summary>The older rows, for Virtualize.</summary>
    public ListPrefix<LineView> Older { get; }

    /// <summary>Changes whenever <see cref="Older"/> does (a row more or less, a row replaced).</summary>
    public int OlderVersion { get; private set; }

    public int Count => _lines.Count;

    public LineView this[int index] => _lines[index];

    /// <summary>Where the newest (always rendered) rows start.</summary>
    public int NewestStart => Older.Count;

    public int FindIndex(Predicate<LineView> match) => _lines.FindIndex(match);

    public int FindLastIndex(Predicate<LineView> match) => _lines.FindLastIndex(match);

    public void Add(LineView line)
    {
        line.Ordinal = _nextOrdinal++;
        _lines.Add(line);
        _blocks.Remove(BlockOf(line));
    }

    /// <summary>A changed row (it keeps its place).</summary>
    public void Replace(int index, LineView line)
    {
        line.Ordinal = _lines[index].Ordinal;
        _lines[index] = line;
        Changed(index, line);
    }

    public void RemoveAt(int index)
    {
        var line = _lines[index];
        Changed(index, line);
        _lines.RemoveAt(index);
        if (index < Older.Count)
        {
            Older.Count--;
        }
    }

    public void Clear()
    {
        _lines.Clear();
        _blocks.Clear();
        Older.Count = 0;
        OlderVersion++;
    }

    /// <summary>Hands the rows beyond the newest ones to Virtualize: see the remarks.</summary>
    public void KeepNewestRendered(bool following)
    {
        var newest = _lines.Count - Older.Count;
        var (limit, keep) = following ? (2 * NewestRendered, NewestRendered) : (NewestRenderedAtMost, NewestRenderedAtMost);
        if (newest >= limit)
        {
            Older.Count = _lines.Count - keep;
            OlderVersion++;
            _blocks.Clear(); // the first block may have lost rows
        }
    }

    /// <summary>After a rebuild: all but the newest rows go to Virtualize.</summary>
    public void StartNewest()
    {
        Older.Count = Math.Max(0, _lines.Count - NewestRendered);
        OlderVersion++;
        _blocks.Clear();
    }

    /// <summary>The block of newest rows starting at <paramref name="index"/>: its key and rows (the same array while they do not change).</summary>
    public (long Key, LineView[] Rows) BlockAt(int index)
    {
        var key = BlockOf(_lines[index]);
        if (!_blocks.TryGetValue(key, out var rows))
        {
            var end = index;
            while (end < _lines.Count && BlockOf(_lines[end]) == key)
            {
                end++;
            }

            rows = _lines.GetRange(index, end - index).ToArray();
            _blocks[key] = rows;
        }

        return (key, rows);
    }

    private static long BlockOf(LineView line) => line.Ordinal / LinesPerBlock;

    private void Changed(int index, LineView line)
    {
        if (index < Older.Count)
        {
            OlderVersion++;
        }
        else
        {
            _blocks.Remove(BlockOf(line));
        }
    }
}
