using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace WebPeerBridge.EndToEnd.Tests.Support;

/// <summary>
/// A page's connection to the bridge (its Blazor circuit), routed through the test: the test can cut it, as a network
/// drop does, and keep the page from reconnecting until it lets it. The circuit stays on the server meanwhile.
/// </summary>
public sealed partial class PageConnection
{
    private readonly Lock _gate = new();
    private IWebSocketRoute? _page;
    private IWebSocketRoute? _server;
    private bool _held;

    private PageConnection()
    {
    }

    /// <summary>Routes <paramref name="page"/>'s circuit connections; call it before the page opens the app.</summary>
    public static async Task<PageConnection> RouteAsync(IPage page)
    {
        var connection = new PageConnection();
        await page.RouteWebSocketAsync(BlazorHub(), connection.OnWebSocket);
        // A reconnect may try other transports after the socket fails: they start with a negotiate request.
        await page.RouteAsync(BlazorHub(), connection.OnRequestAsync);
        return connection;
    }

    /// <summary>Closes the connection on both sides; reconnects fail until <see cref="Restore"/>.</summary>
    public async Task CutAsync()
    {
        IWebSocketRoute? page;
        IWebSocketRoute? server;
        lock (_gate)
        {
            _held = true;
            (page, server) = (_page, _server);
        }

        if (server is not null)
        {
            await server.CloseAsync();
        }

        if (page is not null)
        {
            await page.CloseAsync();
        }
    }

    /// <summary>Lets the page's next reconnect through.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _held = false;
        }
    }

    private void OnWebSocket(IWebSocketRoute route)
    {
        lock (_gate)
        {
            if (!_held)
            {
                _page = route;
                _server = route.ConnectToServer();
                return;
            }
        }

        // Playwright's handler is synchronous; the close reaches the page on its own.
        _ = route.CloseAsync();
    }

    private async Task OnRequestAsync(IRoute route)
    {
        bool held;
        lock (_gate)
        {
            held = _held;
        }

        if (held)
        {
            await route.AbortAsync("connectionrefused");
        }
        else
        {
            await route.ContinueAsync();
        }
    }

    [GeneratedRegex("/_blazor")]
    private static partial Regex BlazorHub();
}
