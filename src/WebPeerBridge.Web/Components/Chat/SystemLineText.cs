using System.Globalization;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>The words of a system line (the agent says what happened; the page says it to people).</summary>
internal static class SystemLineText
{
    /// <summary>What <paramref name="message"/>, a system line, says; lines kept from before they were typed say their text.</summary>
    public static string Of(ChatMessage message) => message.SystemLine is { } line ? For(line) : message.Text;

    public static string For(SystemLine line) => line.Kind switch
    {
        SystemLineKind.PeerLeft => $"{line.PeerName} left{PresenceText.Why(line.LeftReason)}.",
        SystemLineKind.PeerBack => $"{line.PeerName} is back.",
        SystemLineKind.BridgeRestarted => "The bridge restarted; you are back where you were.",
        SystemLineKind.BroadcastsSkipped =>
            $"{line.Count.ToString(CultureInfo.InvariantCulture)} older broadcasts from while you were away were too many to show.",
        SystemLineKind.BroadcastHistoryReset => "The server's broadcast history was reset.",
        _ => "",
    };
}
