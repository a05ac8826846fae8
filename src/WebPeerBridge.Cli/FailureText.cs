using System.Globalization;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Cli;

/// <summary>The terminal's words for why a direct message to an offline peer cannot go (the agent says why, typed).</summary>
internal static class FailureText
{
    public static string? Of(ChatMessage message) => message.Failure is { } failure ? For(failure) : message.Error;

    public static string? Of(SendResult result) => result.Failure is { } failure ? For(failure) : result.Error;

    public static string? Of(CommandResult result) => result.Failure is { } failure ? For(failure) : result.Message;

    public static string For(DeliveryFailure failure)
    {
        var peer = failure.PeerName;
        return failure.Kind switch
        {
            DeliveryFailureKind.PeerOffline => $"{peer} is offline; messages can't be sent until {peer} is back.",
            DeliveryFailureKind.PeerOfflineWithoutKey =>
                $"{peer} is offline; messages can't be sent until {peer} is back, and can't wait for {peer} here: "
                + "without a key there is no way to prove it is the same peer.",
            DeliveryFailureKind.QueueFull =>
                $"{failure.Count.ToString(CultureInfo.InvariantCulture)} messages already wait for {peer}; the next can go when {peer} is back.",
            DeliveryFailureKind.KeyChanged => $"{peer} is back, but not with the key it had: not sent, as it may be someone else.",
            DeliveryFailureKind.LeftBeforeBack => "You left before they were back.",
            _ => $"Not sent to {peer}.",
        };
    }
}
