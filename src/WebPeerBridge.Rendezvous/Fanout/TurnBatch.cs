namespace WebPeerBridge.Rendezvous.Fanout;

/// <summary>
/// The frames one turn of the hub's loop sends to everybody (<c>joined</c>, <c>left</c>, stored <c>said</c>s), in the
/// loop's order, coalesced: every v1 receiver gets them as one queued slice of one array (one queue operation, one
/// write, one syscall, however many came together), a client that registered during the turn only those after its
/// own registration (its welcome already has the rest). Dialects that render frames themselves get them one by one,
/// each with its own says marked as its echoes (<see cref="Outbound.Echoes"/>). Used by the hub's loop only.
/// </summary>
internal sealed class TurnBatch
{
    private readonly List<Outbound> _frames = [];
    private readonly Dictionary<IHubClient, int> _startOf = new(ReferenceEqualityComparer.Instance);
    private readonly List<IHubClient?> _owners = [];
    private readonly HashSet<IHubClient> _senders = new(ReferenceEqualityComparer.Instance);
    private int _bytes;
    private byte[]? _lines;
    private int[] _offsets = [];

    public int Count => _frames.Count;

    public void Add(in Outbound frame)
    {
        _frames.Add(frame);
        _owners.Add(null);
        _bytes += frame.Line.Length;
    }

    /// <summary>Adds the stored say of <paramref name="client"/>: for it, its echo.</summary>
    public void AddOwn(in Outbound said, IHubClient client)
    {
        Add(said);
        _owners[^1] = client;
        _senders.Add(client);
    }

    /// <summary><paramref name="client"/> registered now: it gets only the frames added from here on.</summary>
    public void StartsHere(IHubClient client) => _startOf[client] = _frames.Count;

    /// <summary>Joins the frames into one array; call once, before <see cref="TryEnqueue"/>.</summary>
    public void Seal()
    {
        if (_frames.Count == 1)
        {
            _lines = null;
            return;
        }

        _lines = new byte[_bytes];
        if (_offsets.Length < _frames.Count + 1)
        {
            _offsets = new int[Math.Max(_frames.Count + 1, _offsets.Length * 2)];
        }

        var at = 0;
        for (var i = 0; i < _frames.Count; i++)
        {
            _offsets[i] = at;
            _frames[i].Line.Span.CopyTo(_lines.AsSpan(at));
            at += _frames[i].Line.Length;
        }

        _offsets[_frames.Count] = at;
    }

    /// <summary>Queues what <paramref name="client"/> is to get; false when its queue is full.</summary>
    public bool TryEnqueue(IHubClient client)
    {
        var start = _startOf.Count > 0 && _startOf.TryGetValue(client, out var from) ? from : 0;
        if (start == _frames.Count)
        {
            return true;
        }

        var isSender = _senders.Count > 0 && _senders.Contains(client);
        if (_lines is null || client.Protocol != Protocol.Frames.PeerProtocols.V1)
        {
            for (var i = start; i < _frames.Count; i++)
            {
                var frame = isSender && ReferenceEquals(_owners[i], client) ? _frames[i] with { Echoes = 1 } : _frames[i];
                if (!client.TryEnqueue(frame))
                {
                    return false;
                }
            }

            return true;
        }

        var echoes = 0;
        for (var i = start; isSender && i < _frames.Count; i++)
        {
            echoes += ReferenceEquals(_owners[i], client) ? 1 : 0;
        }

        // Several lines in one slice; its frame is the first of them (a dialect writing lines never looks at it).
        return client.TryEnqueue(new Outbound(_frames[start].Frame, _lines.AsMemory(_offsets[start], _bytes - _offsets[start]), echoes));
    }

    public void Clear()
    {
        _frames.Clear();
        _startOf.Clear();
        _owners.Clear();
        _senders.Clear();
        _bytes = 0;
        _lines = null;
    }
}
