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

    public Task ScrollLogToEndAsync(ElementReference log) => RunAsync("scrollLogToEnd", log);

    public async Task<bool> IsPageVisibleAsync() => await CallAsync<bool?>("isPageVisible") ?? true;

    public async Task<int> WatchVisibilityAsync<T>(DotNetObjectReference<T> target)
        where T : class => await CallAsync<int?>("watchVisibility", target) ?? 0;

    public Task UnwatchVisibilityAsync(int id) => RunAsync("unwatchVisibility", id);

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

/// <summary>The browser's time zone: an IANA id when it has one, and its current offset (JavaScript's sign).</summary>
internal sealed record BrowserZone(string? Id, int OffsetMinutes);
