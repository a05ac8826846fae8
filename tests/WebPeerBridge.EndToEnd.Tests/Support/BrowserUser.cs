using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Playwright;

namespace WebPeerBridge.EndToEnd.Tests.Support;

/// <summary>One person at one browser: a browser context of their own (own cookies, so own session) and its page,
/// with the page's console kept for the failure report.</summary>
public sealed partial class BrowserUser : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _console = new();

    private BrowserUser(string label, IBrowserContext context, IPage page, Uri baseUrl)
    {
        Label = label;
        _context = context;
        Page = page;
        BaseUrl = baseUrl;
        page.Console += (_, message) => Log($"[{message.Type}] {message.Text}");
        page.PageError += (_, error) => Log($"[pageerror] {error}");
        page.Crash += (_, _) => Log("[crash] the page crashed");
        page.FrameNavigated += (_, frame) =>
        {
            if (frame.ParentFrame is null)
            {
                Log($"[navigated] {frame.Url}");
            }
        };
    }

    /// <summary>Who this is in the test (used for artifact names).</summary>
    public string Label { get; }

    public IPage Page { get; }

    /// <summary>The browser context (cookies, permissions) this person's page lives in.</summary>
    public IBrowserContext Context => _context;

    public Uri BaseUrl { get; }

    public IReadOnlyCollection<string> ConsoleLog => _console;

    /// <summary>Opens a context and its page; <paramref name="configure"/> may change the context's options (a phone's viewport, dark mode).</summary>
    public static async Task<BrowserUser> OpenAsync(IBrowser browser, Uri baseUrl, string label, Action<BrowserNewContextOptions>? configure = null)
    {
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            BaseURL = baseUrl.ToString(),
            Locale = "en-GB",
            TimezoneId = "UTC",
        };
        configure?.Invoke(options);
        var context = await browser.NewContextAsync(options);
        context.SetDefaultTimeout((float)UiTimeouts.Default.TotalMilliseconds);
        var page = await context.NewPageAsync();
        return new BrowserUser(label, context, page, baseUrl);
    }

    /// <summary>Saves a screenshot, the page's HTML and its console log into <paramref name="folder"/>.</summary>
    public async Task SaveArtifactsAsync(string folder)
    {
        var prefix = Path.Combine(folder, Label);
        // Not the test's token: after a timeout it is cancelled, and the report matters most then.
        await File.WriteAllLinesAsync(prefix + "-console.log", _console, CancellationToken.None);
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = prefix + ".png", FullPage = true, Timeout = 10_000 });
            await File.WriteAllTextAsync(prefix + ".html", await Page.ContentAsync(), CancellationToken.None);
        }
        catch (PlaywrightException ex)
        {
            // A crashed or closed page has no picture; the console log says what happened.
            await File.AppendAllTextAsync(prefix + "-console.log", $"[artifacts] no screenshot: {ex.Message}\n", CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    private void Log(string line) =>
        _console.Enqueue($"{DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {line}");
}
