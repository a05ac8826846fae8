using System.Globalization;
using WebPeerBridge.Peer;
using WebPeerBridge.Peer.Conversations;

namespace WebPeerBridge.Web.Components.Chat;

/// <summary>The words for why a direct message to an offline peer cannot go (the agent says why; the page says it to people).</summary>
internal static class FailureText
{
    /// <summary>Why <paramref name="message"/> failed, or null when it did not say.</summary>
    public static string? Of(ChatMessage message) => message.Failure is { } failure ? For(failure) : message.Error;

    /// <summary>Why <paramref name="result"/> was not sent, or null when it did not say.</summary>
    public static string? Of(SendResult result) => result.Failure is { } failure ? For(failure) : result.Error;

    /// <summary><paramref name="result"/> with its message in words.</summary>
    public static CommandResult Of(CommandResult result) => result.Failure is { } failure ? result with { Message = For(failure) } : result;

    /// <summary>A sentence; <paramref name="sentence"/> false leaves out its final full stop (for a header).</summary>
    public static string For(DeliveryFailure failure, bool sentence = true)
    {
        var peer = failure.PeerName;
        var text = failure.Kind switch
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
        return sentence ? text : text.TrimEnd('.');
    }
}
