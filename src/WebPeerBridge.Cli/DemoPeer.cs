using System.Threading.Channels;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Changes;
using WebPeerBridge.Protocol;

namespace WebPeerBridge.Cli;

/// <summary>
/// The terminal peer's demo mode (<c>--demo</c>): greets everyone who joins with a broadcast and echoes each direct
/// message back to its sender, so that a lone visitor sees the network alive. It reads no input (a container has
/// none): it runs until cancelled (Ctrl+C, SIGTERM) or until the agent is closed for good.
/// </summary>
internal sealed class DemoPeer : IDisposable
{
    public const string EchoPrefix = "echo: ";

    // Replies wait here for the one loop that sends them; a flood beyond this is answered in part, and says so.
    private const int ReplyQueueCapacity = 256;

    private readonly PeerAgent _agent;
    private readonly TerminalOutput _output;
    private readonly Channel<(string? To, string Text)> _replies = Channel.CreateBounded<(string? To, string Text)>(
        new BoundedChannelOptions(ReplyQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Lock _gate = new();
    private IDisposable? _subscription;

    private DemoPeer(PeerAgent agent, TerminalOutput output)
    {
        _agent = agent;
        _output = output;
    }

    public static string Greeting(string name) => $"Welcome, {name}! I'm a demo peer: send me a direct message and I'll echo it.";

    /// <summary>The answer to a direct message, cut to the text limit (whole characters).</summary>
    public static string Echo(string text)
    {
        var echo = EchoPrefix + text;
        var count = 0;
        for (var i = 0; i < echo.Length; i += char.IsSurrogatePair(echo, i) ? 2 : 1)
        {
            if (++count > ProtocolLimits.MaxTextLength)
            {
                return echo[..i];
            }
        }

        return echo;
    }

    /// <summary>Greets and echoes until <paramref name="cancellationToken"/> fires or the agent is closed.</summary>
    public static async Task RunAsync(PeerAgent agent, TerminalOutput output, CancellationToken cancellationToken)
    {
        using var demo = new DemoPeer(agent, output);
        await demo.ServeAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _subscription?.Dispose();
            _subscription = null;
        }
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _subscription = _agent.Subscribe(OnChange);
        }

        _output.Line("* demo mode: greeting newcomers and echoing direct messages; stop with Ctrl+C (or SIGTERM)");
        if (_agent.State == RendezvousState.Closed)
        {
            _replies.Writer.TryComplete();
        }

        try
        {
            await foreach (var (to, text) in _replies.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var result = to is null
                    ? await _agent.BroadcastAsync(text, cancellationToken).ConfigureAwait(false)
                    : await _agent.SendDirectAsync(to, text, cancellationToken).ConfigureAwait(false);
                if (!result.Accepted)
                {
                    _output.Line($"! demo: could not answer {to ?? "everyone"}: {FailureText.Of(result)}");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: the terminal peer leaves.
        }
    }

    private void OnChange(AgentChange change)
    {
        switch (change)
        {
            case NoticeRaised { Notice: { Kind: NoticeKind.Joined, PeerName: { } name } }:
                Reply(null, Greeting(name));
                break;

            // Never an echo of an echo: two demo peers would answer each other forever.
            case AttentionRaised { Kind: AttentionKind.DirectMessage, Conversation: var conversation, Line: var line }
                when !line.Text.StartsWith(EchoPrefix, StringComparison.Ordinal):
                Reply(conversation.Key, Echo(line.Text));
                break;

            case AgentStateChanged { State: RendezvousState.Closed }:
                // Left, or refused for good by the server: nothing more to answer.
                _replies.Writer.TryComplete();
                break;
        }
    }

    private void Reply(string? to, string text)
    {
        if (!_replies.Writer.TryWrite((to, text)) && _agent.State != RendezvousState.Closed)
        {
            _output.Line($"! demo: too busy, not answering {to ?? "everyone"}");
        }
    }
}
