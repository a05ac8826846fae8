using System.Diagnostics;
using Microsoft.Playwright;
using WebPeerBridge.Load.Stats;
using WebPeerBridge.Peer;

namespace WebPeerBridge.Load.Circuits;

/// <summary>
/// Opens <see cref="CircuitsOptions.Sessions"/> browser sessions on a running web app (headless Chromium, one context
/// each, all joined and showing the broadcast stream), then has a sender in this process broadcast lines at a steady
/// rate, and reads the web process's CPU time while every session renders them: CPU per line and per delivered line
/// (line × session), less what the same sessions cost idle for as long.
/// </summary>
internal sealed class CircuitsRunner(CircuitsOptions options, TextWriter progress)
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-renderer-backgrounding", "--disable-background-timer-throttling"];

    public async Task<CircuitsResult> RunAsync(CancellationToken cancellationToken)
    {
        using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = options.Chromium,
            Headless = true,
            Args = ChromiumArgs,
        }).ConfigureAwait(false);
        await using var closeBrowser = browser.ConfigureAwait(false);

        Assertions.SetDefaultExpectTimeout((float)options.Timeout.TotalMilliseconds);
        // Names of an earlier run may still be held (their sessions outlive the browser for the grace period).
        var run = Random.Shared.Next(1000, 9999);
        var pages = new List<IPage>(options.Sessions);
        for (var i = 0; i < options.Sessions; i++)
        {
            pages.Add(await OpenSessionAsync(browser, $"c{run}-{i}").ConfigureAwait(false));
            if ((i + 1) % 10 == 0)
            {
                await progress.WriteLineAsync($"[circuits] {i + 1}/{options.Sessions} sessions joined").ConfigureAwait(false);
            }
        }

        var sender = new PeerAgent(new PeerAgentOptions
        {
            Name = $"sender{run}",
            RendezvousHost = options.RendezvousHost,
            RendezvousPort = options.RendezvousPort,
            BindAddress = "127.0.0.1",
            PeerPortMin = options.SenderPeerPort,
            PeerPortMax = options.SenderPeerPort + 1, // the port of an earlier run may be in TIME_WAIT
        });
        await using var disposeSender = sender.ConfigureAwait(false);
        var joined = await sender.StartAsync(cancellationToken).ConfigureAwait(false);
        if (!joined.Success)
        {
            throw new InvalidOperationException($"The sender could not join: {joined.Message}");
        }

        // Every session lists the sender: the join has been rendered everywhere before the measurement starts.
        foreach (var page in pages)
        {
            var people = page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations and people", Exact = true });
            await Assertions.Expect(people.GetByRole(AriaRole.Listitem, new() { Name = sender.Name, Exact = true }))
                .ToBeVisibleAsync(new() { Timeout = (float)options.Timeout.TotalMilliseconds }).ConfigureAwait(false);
        }

        var interval = TimeSpan.FromSeconds(1 / options.Rate);
        var sending = TimeSpan.FromTicks(interval.Ticks * options.Lines);
        await progress.WriteLineAsync($"[circuits] idle for {sending.TotalSeconds:0.#} s (baseline)").ConfigureAwait(false);
        var idleBefore = Cpu();
        await Task.Delay(sending, cancellationToken).ConfigureAwait(false);
        var idle = Cpu() - idleBefore;

        await progress.WriteLineAsync($"[circuits] sending {options.Lines} lines at {options.Rate:0.#}/s to {options.Sessions} sessions")
            .ConfigureAwait(false);
        var cpuBefore = Cpu();
        var started = Stopwatch.GetTimestamp();
        for (var n = 1; n <= options.Lines; n++)
        {
            var result = await sender.BroadcastAsync($"load line {n} of {options.Lines}", cancellationToken).ConfigureAwait(false);
            if (!result.Accepted)
            {
                throw new InvalidOperationException($"The sender's line {n} was refused: {result.Error}");
            }

            var due = started + (long)(interval.TotalSeconds * n * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        var last = $"load line {options.Lines} of {options.Lines}";
        foreach (var page in pages)
        {
            await Assertions.Expect(page.Locator("[data-message-id]").Filter(new() { HasText = last }))
                .ToBeVisibleAsync(new() { Timeout = (float)options.Timeout.TotalMilliseconds }).ConfigureAwait(false);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var busy = Cpu() - cpuBefore;
        await sender.LeaveAsync(CancellationToken.None).ConfigureAwait(false);
        return new CircuitsResult(options.Sessions, options.Lines, options.Rate, elapsed, busy, idle * (elapsed / sending));
    }

    private TimeSpan Cpu() => ProcessProbe.CpuTime(options.WebPid) ?? throw new InvalidOperationException($"Cannot read the CPU time of process {options.WebPid}.");

    private async Task<IPage> OpenSessionAsync(IBrowser browser, string name)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = options.Url.ToString() }).ConfigureAwait(false);
        var page = await context.NewPageAsync().ConfigureAwait(false);
        page.SetDefaultTimeout((float)options.Timeout.TotalMilliseconds);
        await page.GotoAsync("/").ConfigureAwait(false);
        await Assertions.Expect(page.Locator("#interactive-ready")).ToBeAttachedAsync().ConfigureAwait(false);
        await page.GetByLabel("Your name").FillAsync(name).ConfigureAwait(false);
        await page.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync().ConfigureAwait(false);
        await Assertions.Expect(page.GetByRole(AriaRole.Log, new() { Name = "Messages to everyone", Exact = true })).ToBeVisibleAsync()
            .ConfigureAwait(false);
        return page;
    }
}
