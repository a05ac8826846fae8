using Microsoft.JSInterop;

namespace WebPeerBridge.Web.Components.Chat.Attention;

/// <summary>
/// Browser notifications (the Notification API) for what needs the person while the tab is hidden: direct messages and
/// mentions. The browser shows one only while the tab is hidden, when the person turned them on and the browser allows
/// them. Scoped: one per circuit. Pressing a notification raises <see cref="ConversationClicked"/>.
/// </summary>
internal sealed class BrowserNotifications(BridgeJs js) : IDisposable
{
    private DotNetObjectReference<BrowserNotifications>? _self;

    /// <summary>A notification was pressed: the conversation it was about (a peer's name, or the broadcast key).</summary>
    public event Action<string>? ConversationClicked;

    /// <summary>Notifies of <paramref name="body"/> in <paramref name="conversation"/>; true when the browser showed it.</summary>
    public Task<bool> NotifyAsync(string title, string body, string conversation)
    {
        _self ??= DotNetObjectReference.Create(this);
        return js.NotifyAsync(title, body, conversation, _self);
    }

    public Task<NotificationState?> GetStateAsync() => js.GetNotificationStateAsync();

    /// <summary>Turns them on (the browser asks the person first, once) or off.</summary>
    public Task<NotificationState?> EnableAsync(bool on) => js.EnableNotificationsAsync(on);

    public Task<NotificationState?> SetSoundAsync(bool on) => js.SetNotificationSoundAsync(on);

    /// <summary>Called by the browser when a notification is pressed.</summary>
    [JSInvokable]
    public void NotificationClicked(string conversation) => ConversationClicked?.Invoke(conversation);

    public void Dispose() => _self?.Dispose();
}
