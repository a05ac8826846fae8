using System.Globalization;
using Microsoft.Playwright;
using WebPeerBridge.Cli.Tests.Support;

namespace WebPeerBridge.EndToEnd.Tests.Support;

/// <summary>
/// Base of the browser tests: opens people's browsers, owns what a test starts, and on failure keeps a screenshot,
/// the HTML and the console log of every page (and any other diagnostics) under the test results.
/// </summary>
public abstract class BrowserTest(BrowserFixture fixture) : IAsyncDisposable
{
    private readonly List<BrowserUser> _users = [];
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<(string Name, Func<string> Read)> _diagnostics = [];
    private readonly List<(string Name, AppLog Log)> _appLogs = [];
    private readonly List<Action> _cleanups = [];

    protected IBrowser Browser => fixture.Browser;

    /// <summary>Opens a new browser (its own context: own cookies) on <paramref name="app"/>.</summary>
    protected async Task<BrowserUser> OpenBrowserAsync(BridgeApp app, string label, Action<BrowserNewContextOptions>? configure = null)
    {
        var user = await BrowserUser.OpenAsync(Browser, app.BaseUrl, label, configure);
        _users.Add(user);
        return user;
    }

    /// <summary>Starts a terminal peer named <paramref name="name"/> on <paramref name="app"/>'s rendezvous server; its transcript goes into the failure report.</summary>
    protected TerminalProcess StartTerminal(BridgeApp app, string name, params string[] extra)
    {
        var terminal = Own(TerminalProcess.Start([
            "--name", name,
            "--server", $"127.0.0.1:{app.RendezvousPort.ToString(CultureInfo.InvariantCulture)}",
            "--port-range", $"{BridgeApp.PeerPortMin}-{BridgeApp.PeerPortMax}",
            "--bind", "127.0.0.1",
            .. extra,
        ]));
        AddDiagnostics($"terminal-{name}", () => $"{string.Join('\n', terminal.Transcript)}\n--- stderr ---\n{terminal.Errors}");
        return terminal;
    }

    /// <summary>Disposes <paramref name="resource"/> when the test ends, after the browsers.</summary>
    protected T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    /// <summary>Runs <paramref name="cleanup"/> when the test ends, after everything it owns is disposed.</summary>
    protected void AfterTest(Action cleanup) => _cleanups.Add(cleanup);

    /// <summary>Puts what <paramref name="app"/> logged into the failure report, and into the test's output (a CI run shows that).</summary>
    protected void AddAppLog(string name, BridgeApp app) => _appLogs.Add((name, app.Log));

    /// <summary>Adds text to the failure report (a terminal peer's transcript).</summary>
    protected void AddDiagnostics(string name, Func<string> read) => _diagnostics.Add((name, read));

    /// <summary>Runs the test's body; on failure saves what the pages showed, then fails with the original error.</summary>
    protected async Task RunAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception failure)
        {
            var folder = TestArtifacts.ForCurrentTest();
            await File.WriteAllTextAsync(Path.Combine(folder, "failure.txt"), failure.ToString(), CancellationToken.None);
            foreach (var user in _users)
            {
                await user.SaveArtifactsAsync(folder);
            }

            foreach (var (name, read) in _diagnostics)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, name + ".txt"), read(), CancellationToken.None);
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"Screenshots and console logs: {folder}");
            foreach (var (name, log) in _appLogs)
            {
                var text = log.Text;
                await File.WriteAllTextAsync(Path.Combine(folder, $"app-{name}.log"), text, CancellationToken.None);
                TestContext.Current.TestOutputHelper?.WriteLine($"--- what the app '{name}' logged ---\n{text}");
            }
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var user in _users)
        {
            await user.DisposeAsync();
        }

        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        foreach (var cleanup in _cleanups)
        {
            cleanup();
        }

        GC.SuppressFinalize(this);
    }
}
