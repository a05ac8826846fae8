using System.Text;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Peer.Commands;

/// <summary>Carries out a typed line for <see cref="PeerAgent.ExecuteAsync"/>, through the agent's public operations.</summary>
internal sealed class CommandExecutor(PeerAgent agent)
{
    public async Task<CommandResult> ExecuteAsync(string input, CancellationToken cancellationToken)
    {
        switch (PeerCommandParser.Parse(input))
        {
            case InvalidCommand invalid:
                return new CommandResult(false, invalid.Error);

            case BroadcastCommand broadcast:
                var said = await agent.BroadcastAsync(broadcast.Text, cancellationToken).ConfigureAwait(false);
                return new CommandResult(said.Accepted, said.Error, Conversation.BroadcastKey);

            case ConnectCommand connect:
                var linked = await agent.ConnectAsync(connect.Host, connect.Port, cancellationToken).ConfigureAwait(false);
                return linked.Success
                    ? new CommandResult(true, $"Linked with {linked.PeerName}; to_peer:<text> now goes to {linked.PeerName}.", linked.PeerName)
                    : new CommandResult(false, linked.Error);

            case ToPeerCommand toPeer:
                if (agent.CurrentPeer is not { } current)
                {
                    var open = agent.LinkedPeers;
                    return new CommandResult(false, open.Count == 0
                        ? "No direct link is open: use conn:<host>:<port> or /msg <name> <text> first."
                        : $"Several direct links are open ({string.Join(", ", open)}) and none is current: use /msg <name> <text>.");
                }

                return await SendDirectAsync(current, toPeer.Text, cancellationToken).ConfigureAwait(false);

            case DirectMessageCommand direct:
                return await SendDirectAsync(direct.PeerName, direct.Text, cancellationToken).ConfigureAwait(false);

            case ListPeersCommand:
                return new CommandResult(true, DescribePeers());

            case HelpCommand:
                return new CommandResult(true, DescribeHelp());

            case CloseCommand or QuitCommand:
                await agent.LeaveAsync(cancellationToken).ConfigureAwait(false);
                return new CommandResult(true, "You left the network.");

            default:
                return new CommandResult(false, "That command is not supported here.");
        }
    }

    private async Task<CommandResult> SendDirectAsync(string peerName, string text, CancellationToken cancellationToken)
    {
        var sent = await agent.SendDirectAsync(peerName, text, cancellationToken).ConfigureAwait(false);
        var key = sent.MessageId is null ? null : agent.FindDirect(peerName)?.Key;
        return new CommandResult(sent.Accepted, sent.Error, key, sent.Failure);
    }

    private string DescribePeers()
    {
        var peers = agent.Peers;
        var linked = agent.LinkedPeers;
        var text = new StringBuilder();
        text.Append(peers.Count switch
        {
            0 => "Nobody else is online.",
            1 => "1 other peer online:",
            var n => $"{n} other peers online:",
        });
        foreach (var peer in peers)
        {
            text.Append('\n').Append("  ").Append(peer.Name).Append("  ").Append(Transport.TcpDialer.Describe(peer.Host, peer.Port));
            if (peer.Protocol == Protocol.Frames.PeerProtocols.Seed)
            {
                text.Append("  (classic client)");
            }

            if (agent.IsUnverified(peer.Name))
            {
                text.Append("  (unverified)");
            }

            if (linked.Contains(peer.Name, StringComparer.OrdinalIgnoreCase))
            {
                text.Append("  [linked]");
            }
        }

        if (agent.Self is { } self)
        {
            text.Append('\n').Append("You are ").Append(self.Name).Append(" at ").Append(Transport.TcpDialer.Describe(self.Host, self.Port)).Append('.');
        }

        return text.ToString();
    }

    private static string DescribeHelp()
    {
        var width = PeerCommandParser.Help.Max(h => h.Syntax.Length);
        return string.Join('\n', PeerCommandParser.Help.Select(h => $"  {h.Syntax.PadRight(width)}  {h.Meaning}"));
    }
}
