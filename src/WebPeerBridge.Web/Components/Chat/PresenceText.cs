using System.Globalization;
using WebPeerBridge.Peer.Presence;
using WebPeerBridge.Protocol.Frames;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>The words of a quiet line: "ana joined", "ana and bo left", "ana, bo and 3 others joined".</summary>
internal static class PresenceText
{
    public static string For(PresenceBurst burst)
    {
        var names = burst.Names;
        var who = burst.Count switch
        {
            1 => names[0],
            2 => $"{names[0]} and {names[1]}",
            3 when names.Count == 3 => $"{names[0]}, {names[1]} and {names[2]}",
            _ => $"{names[0]}, {names[1]} and {(burst.Count - 2).ToString(CultureInfo.InvariantCulture)} others",
        };
        return $"{who} {(burst.Joined ? "joined" : "left")}{Why(burst.Reason)}";
    }

    /// <summary>Why someone left, after "left": " (timed out)", " (connection lost)", or nothing for a plain leave.</summary>
    public static string Why(string? leftReason) => leftReason switch
    {
        LeftReasons.Timeout => " (timed out)",
        LeftReasons.Error => " (connection lost)",
        _ => "",
    };
}
