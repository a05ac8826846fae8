using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using WebPeerBridge.Load.Compare;
using WebPeerBridge.Load.Stats;
using WebPeerBridge.Peer;

namespace WebPeerBridge.Load.Circuits;

/// <summary>
/// Opens <see cref="CircuitsOptions.Sessions"/> browser sessions on a web app (headless Chromium, one context each, all
/// joined and showing the broadcast stream), then has a sender in this process broadcast lines at a steady rate, and
/// reads the web process's CPU time while every session renders them: CPU per line and per delivered line
/// (line × session), less what the same sessions cost idle for as long. With <see cref="CircuitsOptions.WebDlls"/> it
/// starts each build in turn, a fresh process per run, alternating.
/// </summary>
internal sealed class CircuitsRunner(CircuitsOptions options, TextWriter progress)
{
    // Playwright's own --disable-features list, repeated: Chromium keeps only the last --disable-features switch.
    private const string DisabledFeatures =
        "AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,DialMediaRouteProvider,GlobalMediaControls,HttpsUpgrades,LensOverlay," +
        "MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,BlockOriginHeaderModificationOnRedirect,AvoidCorsURLLoaderRestartOnRedirect,Translate," +
        "AutoDeElevate,OptimizationHints,NetworkTimeServiceQuerying,AimEnabled," +
        // Each context is a window of its own, and each window keeps its address bar's suggestion popup (a WebUI page)
        // in a renderer of its own, ~35 MB each: 200 sessions would hold 200 of them for nothing.
        "PreloadTopChromeWebUI,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,WebUIReloadButton";

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-renderer-backgrounding", "--disable-background-timer-throttling", "--disable-features=" + DisabledFeatures,
         // Smaller caches and heaps in every renderer: 200 of them must fit beside the rest of the machine.
         "--enable-low-end-device-mode"];

    private sealed record Target(Uri Url, int WebPid, string RendezvousHost, int RendezvousPort, int SenderPeerPort);

    public async Task<IReadOnlyList<CircuitsResult>> RunAsync(CancellationToken cancellationToken)
    {
        if (options.WebDlls.Count == 0)
        {
            var target = new Target(options.Url, options.WebPid, options.RendezvousHost, options.RendezvousPort, options.SenderPeerPort);
            return [await MeasureAsync(target, cancellationToken).ConfigureAwait(false)];
        }

        var results = new List<CircuitsResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            for (var build = 0; build < options.WebDlls.Count; build++)
            {
                var result = await RunBuildAsync(options.WebDlls[build], options.Labels[build], run, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                CircuitsResult.WriteTable(progress, [result]);
            }
        }

        return results;
    }

    private async Task<CircuitsResult> RunBuildAsync(string dll, string label, int run, CancellationToken cancellationToken)
    {
        dll = Path.GetFullPath(dll); // the web app runs in its own folder
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{label} is not built (dotnet build -c Release).", dll);
        }

        var (webPort, rendezvousPort, senderPort, peerPortMin) = (options.PortBase, options.PortBase + 1, options.PortBase + 2, options.PortBase + 10);
        var name = string.Create(CultureInfo.InvariantCulture, $"circuits-{label.Replace(' ', '-')}-{run}");
        var data = Path.Combine(options.WorkDirectory, name);
        Directory.CreateDirectory(data);
        await UntilPortIsFreeAsync(webPort, cancellationToken).ConfigureAwait(false);
        string[] args =
        [
            dll, "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{webPort}"),
        ];
        var web = ChildProcess.Start(DotnetHost(), args, Path.Combine(options.WorkDirectory, name + ".log"), new Dictionary<string, string>
        {
            // Development: the static assets are served from the build's folder (Production wants a publish).
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Rendezvous__Port"] = Text(rendezvousPort),
            ["Rendezvous__HistoryPath"] = ":memory:",
            ["Bridge__DataPath"] = data,
            ["Bridge__PersistSessions"] = "false",
            // A session without a page stays this long (--join-detached closes every page while the others join).
            ["Bridge__GracePeriod"] = "01:00:00",
            ["Bridge__BindAddress"] = "127.0.0.1",
            ["Bridge__PeerPortMin"] = Text(peerPortMin),
            ["Bridge__PeerPortMax"] = Text(peerPortMin + options.Sessions + 50),
            // Every session comes from 127.0.0.1: the per-address limits would refuse a lab this size.
            ["Bridge__MaxAgents"] = Text(options.Sessions + 50),
            ["Bridge__MaxAgentsPerAddress"] = Text(options.Sessions + 50),
            ["Bridge__MaxCircuitsPerAddress"] = Text(2 * options.Sessions + 50),
            ["Bridge__MaxConnectionsPerAddress"] = Text(10 * options.Sessions + 100),
            ["Bridge__JoinsPerAddressPerMinute"] = Text(10 * options.Sessions + 100),
            ["Bridge__PageRequestsPerAddressPerMinute"] = Text(20 * options.Sessions + 100),
        }, Path.GetDirectoryName(dll));
        await using var stopWeb = web.ConfigureAwait(false);
        await web.WaitUntilListeningAsync(new IPEndPoint(IPAddress.Loopback, webPort), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        await progress.WriteLineAsync($"[circuits] {label}, run {run}: web app pid {web.Pid} on port {webPort} (log {web.LogPath})").ConfigureAwait(false);

        var target = new Target(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{webPort}/")), web.Pid, "127.0.0.1", rendezvousPort, senderPort);
        var result = await MeasureAsync(target, cancellationToken).ConfigureAwait(false);
        return result with { Label = label, Run = run };
    }

    private async Task<CircuitsResult> MeasureAsync(Target target, CancellationToken cancellationToken)
    {
        var loadBefore = LoadAverage();
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
        var pages = new IPage[options.Sessions];
        var joined = 0;
        await Parallel.ForAsync(0, options.Sessions, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellationToken },
            async (i, _) =>
            {
                pages[i] = await OpenSessionAsync(browser, target.Url, $"c{run}-{i}").ConfigureAwait(false);
                if (options.JoinDetached)
                {
                    await pages[i].CloseAsync().ConfigureAwait(false);
                }

                if (Interlocked.Increment(ref joined) % 10 == 0)
                {
                    await progress.WriteLineAsync($"[circuits] {joined}/{options.Sessions} sessions joined; {Describe(BrowserMemory.Measure())}")
                        .ConfigureAwait(false);
                }
            }).ConfigureAwait(false);

        if (options.JoinDetached)
        {
            // Every session joined: each opens its page again (its context keeps the cookie) and shows the chat at once.
            var opened = 0;
            await Parallel.ForAsync(0, options.Sessions, new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = cancellationToken },
                async (i, _) =>
                {
                    pages[i] = await ReopenAsync(pages[i].Context).ConfigureAwait(false);
                    if (Interlocked.Increment(ref opened) % 10 == 0)
                    {
                        await progress.WriteLineAsync($"[circuits] {opened}/{options.Sessions} pages open again; {Describe(BrowserMemory.Measure())}")
                            .ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
        }

        var sender = new PeerAgent(new PeerAgentOptions
        {
            Name = $"sender{run}",
            RendezvousHost = target.RendezvousHost,
            RendezvousPort = target.RendezvousPort,
            BindAddress = "127.0.0.1",
            PeerPortMin = target.SenderPeerPort,
            PeerPortMax = target.SenderPeerPort + 1, // the port of an earlier run may be in TIME_WAIT
        });
        await using var disposeSender = sender.ConfigureAwait(false);
        var started = await sender.StartAsync(cancellationToken).ConfigureAwait(false);
        if (!started.Success)
        {
            throw new InvalidOperationException($"The sender could not join: {started.Message}");
        }

        // Every session lists the sender: the join has been rendered everywhere before the measurement starts.
        foreach (var page in pages)
        {
            var people = page.GetByRole(AriaRole.Navigation, new() { Name = "Conversations and people", Exact = true });
            await Assertions.Expect(people.GetByRole(AriaRole.Listitem, new() { Name = sender.Name, Exact = true }))
                .ToBeVisibleAsync(new() { Timeout = (float)options.Timeout.TotalMilliseconds }).ConfigureAwait(false);
        }

        var interval = TimeSpan.FromSeconds(1 / options.Rate);
        if (options.Warmup > 0)
        {
            // Both builds' render paths compiled (tier 1) and their pools grown before anything is measured.
            await progress.WriteLineAsync($"[circuits] warm-up: {options.Warmup} lines").ConfigureAwait(false);
            await SendAsync(sender, "warm-up line", options.Warmup, interval, cancellationToken).ConfigureAwait(false);
            await UntilEverySessionShowsAsync(pages, $"warm-up line {options.Warmup} of {options.Warmup}").ConfigureAwait(false);
        }

        var rows = await pages[0].Locator("[data-message-id], [data-quiet-line]").CountAsync().ConfigureAwait(false);
        await progress.WriteLineAsync($"[circuits] settling for {options.Settle.TotalSeconds:0.#} s ({rows} rows in the first session's page)").ConfigureAwait(false);
        await Task.Delay(options.Settle, cancellationToken).ConfigureAwait(false);
        var sending = TimeSpan.FromTicks(interval.Ticks * options.Lines);
        await progress.WriteLineAsync($"[circuits] idle for {sending.TotalSeconds:0.#} s (baseline)").ConfigureAwait(false);
        var idleBefore = Cpu(target);
        await Task.Delay(sending, cancellationToken).ConfigureAwait(false);
        var idle = Cpu(target) - idleBefore;

        await progress.WriteLineAsync($"[circuits] sending {options.Lines} lines at {options.Rate:0.#}/s to {options.Sessions} sessions")
            .ConfigureAwait(false);
        var cpuBefore = Cpu(target);
        var sendStarted = Stopwatch.GetTimestamp();
        await SendAsync(sender, "load line", options.Lines, interval, cancellationToken).ConfigureAwait(false);
        await UntilEverySessionShowsAsync(pages, $"load line {options.Lines} of {options.Lines}").ConfigureAwait(false);

        var elapsed = Stopwatch.GetElapsedTime(sendStarted);
        var busy = Cpu(target) - cpuBefore;
        var loadAfter = LoadAverage();
        var memory = BrowserMemory.Measure();
        await progress.WriteLineAsync($"[circuits] every session shows the last line after {elapsed.TotalSeconds:0.0} s; {Describe(memory)}")
            .ConfigureAwait(false);
        await sender.LeaveAsync(CancellationToken.None).ConfigureAwait(false);
        return new CircuitsResult(options.Sessions, options.Lines, options.Rate, elapsed, busy, idle * (elapsed / sending))
        {
            LoadBefore = loadBefore,
            LoadAfter = loadAfter,
            Browser = memory,
            WebResidentBytes = ProcessProbe.ResidentBytes(target.WebPid) ?? 0,
        };
    }

    /// <summary>Broadcasts <paramref name="count"/> lines at a steady pace (each due at its own time: a late one is not made up by a burst).</summary>
    private static async Task SendAsync(PeerAgent sender, string text, int count, TimeSpan interval, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var n = 1; n <= count; n++)
        {
            var result = await sender.BroadcastAsync($"{text} {n} of {count}", cancellationToken).ConfigureAwait(false);
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
    }

    private async Task UntilEverySessionShowsAsync(IPage[] pages, string text)
    {
        foreach (var page in pages)
        {
            await Assertions.Expect(page.Locator("[data-message-id]").Filter(new() { HasText = text }))
                .ToBeVisibleAsync(new() { Timeout = (float)options.Timeout.TotalMilliseconds }).ConfigureAwait(false);
        }
    }

    // The web app of the run before may still be on its way out.
    private static async Task UntilPortIsFreeAsync(int port, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 60)
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan Cpu(Target target) =>
        ProcessProbe.CpuTime(target.WebPid) ?? throw new InvalidOperationException($"Cannot read the CPU time of process {target.WebPid}.");

    private async Task<IPage> OpenSessionAsync(IBrowser browser, Uri url, string name)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = url.ToString() }).ConfigureAwait(false);
        var page = await OpenPageAsync(context).ConfigureAwait(false);
        await Assertions.Expect(page.Locator("#interactive-ready")).ToBeAttachedAsync().ConfigureAwait(false);
        var log = page.GetByRole(AriaRole.Log, new() { Name = "Messages to everyone", Exact = true });
        var refused = page.GetByRole(AriaRole.Alert);
        for (var attempt = 1; ; attempt++)
        {
            // A refused join may still have reached the server, which then holds that name for a minute: a new one.
            await page.GetByLabel("Your name").FillAsync(attempt == 1 ? name : $"{name}r{attempt}").ConfigureAwait(false);
            await page.GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync().ConfigureAwait(false);
            // On a loaded machine the embedded server may answer a hello later than the agent waits (5 s): the join
            // screen says so, and a person would press Join again. (Main's build shows toasts, alerts too, once in.)
            await Assertions.Expect(log.Or(refused).First).ToBeVisibleAsync().ConfigureAwait(false);
            if (await log.IsVisibleAsync().ConfigureAwait(false))
            {
                break;
            }

            var why = await refused.First.TextContentAsync().ConfigureAwait(false);
            if (attempt == 5)
            {
                throw new InvalidOperationException($"Session {name} could not join: {why}");
            }

            await progress.WriteLineAsync($"[circuits] {name}: join refused ({why}), again").ConfigureAwait(false);
            // A fresh join screen: the refusal's alert would otherwise answer for the next attempt too.
            await page.ReloadAsync().ConfigureAwait(false);
            await Assertions.Expect(page.Locator("#interactive-ready")).ToBeAttachedAsync().ConfigureAwait(false);
        }

        return page;
    }

    private async Task<IPage> ReopenAsync(IBrowserContext context)
    {
        var page = await OpenPageAsync(context).ConfigureAwait(false);
        await Assertions.Expect(page.GetByRole(AriaRole.Log, new() { Name = "Messages to everyone", Exact = true })).ToBeVisibleAsync().ConfigureAwait(false);
        return page;
    }

    /// <summary>A new page of <paramref name="context"/> (its cookie: its session), on the app's start page.</summary>
    private async Task<IPage> OpenPageAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync().ConfigureAwait(false);
        page.SetDefaultTimeout((float)options.Timeout.TotalMilliseconds);
        await page.GotoAsync("/").ConfigureAwait(false);
        return page;
    }

    private static string Describe(BrowserMemory memory) => string.Create(CultureInfo.InvariantCulture,
        $"browser {memory.PssBytes / 1048576.0:N0} MB PSS in {memory.Processes} processes ({memory.Renderers} renderers), {memory.AvailableBytes / 1048576.0:N0} MB available");

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
