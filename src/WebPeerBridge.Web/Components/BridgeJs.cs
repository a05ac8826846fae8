using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace WebPeerBridge.Web.Components;

/// <summary>
/// The browser helpers of <c>/assets/js/bridge.js</c> (scoped: one per circuit). Calls made after the browser went away
/// are ignored: there is nobody left to show anything to.
/// </summary>
internal sealed class BridgeJs(IJSRuntime js) : IAsyncDisposable
{
    private Task<IJSObjectReference>? _module;

    public Task SetThemeAsync(bool dark) => RunAsync("setTheme", dark);

    /// <summary>Reports the system's theme now and calls <c>SystemThemeChanged(bool)</c> when it changes; null without a browser.</summary>
    public async Task<SystemThemeWatch?> WatchSystemThemeAsync<T>(DotNetObjectReference<T> target)
        where T : class => await CallAsync<SystemThemeWatch>("watchSystemTheme", target);

    public Task UnwatchSystemThemeAsync(int id) => RunAsync("unwatchSystemTheme", id);

    public async Task<BrowserZone?> GetTimeZoneAsync() => await CallAsync<BrowserZone>("timeZone");

    /// <summary>Lets the browser take the composer's lines (see bridge.js); false when it cannot, and the server takes them.</summary>
    public async Task<bool> InitComposerAsync<T>(ElementReference root, DotNetObjectReference<T> target, TimeSpan answerTimeout, int maxWaitingLines)
        where T : class =>
        await CallAsync<bool?>("initComposer", root, target, (int)answerTimeout.TotalMilliseconds, maxWaitingLines) ?? false;

    /// <summary>Has the browser take the composer's text as Enter does (the Send button).</summary>
    public Task SubmitComposerAsync(ElementReference root) => RunAsync("submitComposer", root);

    /// <summary>Keeps the log at its newest line while the reader is there; tells <paramref name="target"/> (SetFollowing) when that changes.</summary>
    public Task FollowLogAsync<T>(ElementReference log, DotNetObjectReference<T> target)
        where T : class => RunAsync("followLog", log, target);

    /// <summary>Scrolls the log to a rendered line; false when it is not rendered (or the browser is gone).</summary>
    public async Task<bool> ScrollToMessageAsync(ElementReference log, string messageId) =>
        await CallAsync<bool?>("scrollToMessage", log, messageId) ?? false;

    public Task UnfollowLogAsync(ElementReference log) => RunAsync("unfollowLog", log);

    /// <summary>Scrolls the log of the conversation around <paramref name="inside"/> to a line and marks it a moment.</summary>
    public Task JumpToLineAsync(ElementReference inside, string messageId, int index, int count) =>
        RunAsync("jumpToLine", inside, messageId, index, count);

    public Task ScrollLogToEndAsync(ElementReference log) => RunAsync("scrollLogToEnd", log);

    public async Task<bool> IsPageVisibleAsync() => await CallAsync<bool?>("isPageVisible") ?? true;

    public async Task<int> WatchVisibilityAsync<T>(DotNetObjectReference<T> target)
        where T : class => await CallAsync<int?>("watchVisibility", target) ?? 0;

    public Task UnwatchVisibilityAsync(int id) => RunAsync("unwatchVisibility", id);

    /// <summary>Calls <c>EscapePressed()</c> when Esc is pressed anywhere on the page (and for no other key).</summary>
    public async Task<int> WatchEscapeAsync<T>(DotNetObjectReference<T> target)
        where T : class => await CallAsync<int?>("watchEscape", target) ?? 0;

    public Task UnwatchEscapeAsync(int id) => RunAsync("unwatchEscape", id);

    /// <summary>The browser's notification permission and this browser's choices; null without a browser.</summary>
    public async Task<NotificationState?> GetNotificationStateAsync() => await CallAsync<NotificationState>("notificationState");

    /// <summary>Turns notifications on (asking the browser's permission when it was never asked) or off.</summary>
    public async Task<NotificationState?> EnableNotificationsAsync(bool on) => await CallAsync<NotificationState>("enableNotifications", on);

    public async Task<NotificationState?> SetNotificationSoundAsync(bool on) => await CallAsync<NotificationState>("setNotificationSound", on);

    /// <summary>Shows a notification if the tab is hidden and they are on; true when one was shown.</summary>
    public async Task<bool> NotifyAsync<T>(string title, string body, string conversation, DotNetObjectReference<T> onClick)
        where T : class => await CallAsync<bool?>("notify", title, body, conversation, onClick) ?? false;

    public async ValueTask DisposeAsync()
    {
        if (_module is { IsCompletedSuccessfully: true } module && module.Result is { } reference)
        {
            try
            {
                await reference.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the module.
            }
        }
    }

    private async Task RunAsync(string identifier, params object?[] args)
    {
        try
        {
            var module = await GetModuleAsync();
            if (module is not null)
            {
                await module.InvokeVoidAsync(identifier, args);
            }
        }
        catch (JSDisconnectedException)
        {
            // The browser went away.
        }
        catch (TaskCanceledException)
        {
            // The call timed out or the circuit closed meanwhile.
        }
        catch (JSException)
        {
            // The helpers only enhance the page (scrolling, Enter to send); without them it still works.
        }
    }

    private async Task<T?> CallAsync<T>(string identifier, params object?[] args)
    {
        try
        {
            var module = await GetModuleAsync();
            return module is null ? default : await module.InvokeAsync<T>(identifier, args);
        }
        catch (JSDisconnectedException)
        {
            return default;
        }
        catch (TaskCanceledException)
        {
            return default;
        }
        catch (JSException)
        {
            return default;
        }
    }

    private Task<IJSObjectReference> GetModuleAsync() =>
        _module ??= js.InvokeAsync<IJSObjectReference>("import", "./assets/js/bridge.js").AsTask();
}

/// <summary>
/// Whether notifications can be shown: the browser's permission ("default", "granted", "denied" or "unsupported"), and
/// whether the person turned them and their sound on in this browser.
/// </summary>
internal sealed record NotificationState(string Permission, bool Enabled, bool Sound)
{
    public bool IsSupported => Permission != "unsupported";

    /// <summary>They show (while the tab is hidden).</summary>
    public bool IsOn => Enabled && Permission == "granted";
}

/// <summary>A watch of the system's theme: its id (to stop it) and whether the system is dark now.</summary>
internal sealed record SystemThemeWatch(int Id, bool Dark);

/// <summary>The browser's time zone: an IANA id when it has one, and its current offset (JavaScript's sign).</summary>
internal sealed record BrowserZone(string? Id, int OffsetMinutes);
