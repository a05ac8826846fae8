namespace WebPeerBridge.Web.Components.Chat.Completion;

/// <summary>
/// The composer's completion list and its selection (pure state, one per composer, used on the renderer's thread).
/// "/" lists the commands and "@" the names as they are typed; Tab completes the name at the end of the text and cycles
/// through the candidates. Nothing is selected until the arrow keys move the selection: only then does Enter pick
/// (<see cref="IsChosen"/>); otherwise Enter sends the text as it is.
/// </summary>
public sealed class CompletionList
{
    private string _base = ""; // the text the candidates were found for
    private int _start; // where the word they replace starts in it
    private string? _echo; // the text a pick or a Tab produced: when it comes back as typed text, the list stays as it is

    /// <summary>The candidates shown; empty when the list is closed.</summary>
    public IReadOnlyList<CompletionItem> Items { get; private set; } = [];

    /// <summary>What the list offers.</summary>
    public CompletionKind Kind { get; private set; }

    public bool IsOpen => Items.Count > 0;

    /// <summary>The highlighted candidate, or -1.</summary>
    public int Selected { get; private set; } = -1;

    /// <summary>The person moved the selection with the arrow keys: Enter picks it.</summary>
    public bool IsChosen => IsOpen && Selected >= 0 && _moved;

    /// <summary>Tab completed a name and another Tab goes on to the next candidate.</summary>
    public bool IsCycling { get; private set; }

    private bool _moved;

    /// <summary>The text changed: the list follows the word being typed.</summary>
    public void Update(string text, IEnumerable<string> names)
    {
        if (text == _echo)
        {
            return;
        }

        _echo = null;
        var word = NameCompletion.FindListWord(text);
        var items = word.Kind switch
        {
            CompletionKind.Command => NameCompletion.MatchCommands(word.Prefix),
            CompletionKind.Name => NameCompletion.MatchNames(names, word.Prefix, mention: true),
            _ => [],
        };
        Show(text, word, items, selected: -1);
    }

    /// <summary>Moves the selection (the arrow keys); false when the list is closed.</summary>
    public bool Move(int delta)
    {
        if (!IsOpen)
        {
            return false;
        }

        Selected = Selected < 0
            ? (delta > 0 ? 0 : Items.Count - 1)
            : ((Selected + delta) % Items.Count + Items.Count) % Items.Count;
        _moved = true;
        return true;
    }

    /// <summary>The text with the selected candidate in place (Enter after the arrow keys); null when none is chosen.</summary>
    public string? PickChosen() => IsChosen ? PickAt(Selected) : null;

    /// <summary>The text with candidate <paramref name="index"/> in place (a click); the list closes.</summary>
    public string? PickAt(int index)
    {
        if (index < 0 || index >= Items.Count)
        {
            return null;
        }

        var text = NameCompletion.Apply(_base, _start, Items[index].Insert);
        Close();
        _echo = text;
        return text;
    }

    /// <summary>
    /// Tab: picks the highlighted (or first) command; completes the name at the end of the text, or the next candidate when Tab
    /// completed the last one. Null when there is nothing to complete (Tab then does what it does elsewhere).
    /// </summary>
    public string? Tab(string text, IEnumerable<string> names)
    {
        if (text != _echo && text != _base)
        {
            Update(text, names); // the list was found for other text: start from this one
        }

        if (IsCycling && text == _echo)
        {
            return Cycle((Selected + 1) % Items.Count);
        }

        if (IsOpen && Kind == CompletionKind.Command)
        {
            return PickAt(Math.Max(Selected, 0));
        }

        if (IsOpen && Kind == CompletionKind.Name)
        {
            IsCycling = true;
            return Cycle(Math.Max(Selected, 0));
        }

        var word = NameCompletion.FindTabWord(text);
        if (word.Kind == CompletionKind.None)
        {
            return null;
        }

        var mention = text[word.Start] == '@';
        var items = NameCompletion.MatchNames(names, word.Prefix, mention);
        if (items.Count == 0)
        {
            return null;
        }

        Show(text, word, items, selected: 0);
        IsCycling = true;
        return Cycle(0);
    }

    /// <summary>Closes the list (Esc, a sent line) until the text changes again.</summary>
    public void Close()
    {
        Items = [];
        Kind = CompletionKind.None;
        Selected = -1;
        _moved = false;
        IsCycling = false;
    }

    private string Cycle(int index)
    {
        Selected = index;
        _moved = false; // Tab put the name in the text already: Enter sends it
        _echo = NameCompletion.Apply(_base, _start, Items[index].Insert);
        return _echo;
    }

    private void Show(string text, CompletionWord word, IReadOnlyList<CompletionItem> items, int selected)
    {
        Close();
        _base = text;
        _start = word.Start;
        Items = items;
        Kind = items.Count == 0 ? CompletionKind.None : word.Kind;
        Selected = items.Count == 0 ? -1 : selected;
    }
}
