using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using WebPeerBridge.EndToEnd.Tests.Support;
using WebPeerBridge.Peer.Tests.Support;
using WebPeerBridge.Rendezvous.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static WebPeerBridge.EndToEnd.Tests.Support.BrowserUser;

namespace WebPeerBridge.EndToEnd.Tests;

/// <summary>DESIGN.md, Lifecycles: a bridge restart keeps every session.</summary>
public sealed class RestartTests(BrowserFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task A_bridge_restart_brings_each_page_back_to_its_name_and_direct_messages_without_a_join_screen() => RunAsync(async () =>
    {
        var history = TempFiles.NewHistoryPath();
        var data = Directory.CreateTempSubdirectory("wpb-e2e-data-").FullName;
        AfterTest(() =>
        {
            TempFiles.DeleteHistory(history);
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // A temporary folder left behind harms nothing; the test's verdict is made already.
            }
        });
        var server = Own(await TestServer.StartAsync(history));
        var webPort = LoopbackPorts.Restartable();
        var first = await BridgeApp.StartPersistentAsync(webPort, server.Port, data);
        AddAppLog("before the restart", first);
        var alice = await OpenBrowserAsync(first, "alice");
        var bob = await OpenBrowserAsync(first, "bob");
        await alice.JoinAsync("alice");
        await bob.JoinAsync("bob");
        await alice.OpenDirectAsync("bob");
        await alice.SendAsync("a secret before the restart");
        await Expect(Delivered(Line(alice.DirectLog("bob"), "a secret before the restart"))).ToBeVisibleAsync();

        await first.DisposeAsync();
        // The factory's dispose returns while the app's host may still be stopping; the bridge restarts once the stopped
        // app has stored its sessions, as a process that exits does.
        await first.Log.WaitForAsync("Stored 2 sessions", UiTimeouts.Default);
        var second = Own(await BridgeApp.StartPersistentAsync(webPort, server.Port, data));
        AddAppLog("after the restart", second);

        // The pages reconnect by themselves: same name, the same direct conversation, no join screen. The restart's line
        // is shown only by a page of the new app, so nothing below passes on what the old page still showed.
        await Expect(alice.DirectLog("bob").GetByText("The bridge restarted")).ToBeVisibleAsync();
        await Expect(alice.Self).ToContainTextAsync("alice");
        await Expect(alice.LinkState).ToHaveTextAsync("Online");
        await Expect(Delivered(Line(alice.DirectLog("bob"), "a secret before the restart"))).ToBeVisibleAsync();
        await Expect(alice.Page.GetByLabel("Your name")).ToHaveCountAsync(0);
        await Expect(bob.BroadcastLog.GetByText("The bridge restarted")).ToBeVisibleAsync();
        await Expect(bob.Self).ToContainTextAsync("bob");
        await Expect(bob.LinkState).ToHaveTextAsync("Online");

        // And they still chat, directly.
        await bob.OpenDirectAsync("alice");
        await Expect(Line(bob.DirectLog("alice"), "a secret before the restart")).ToContainTextAsync("alice");
        await bob.SendAsync("and one after it");
        await Expect(Delivered(Line(bob.DirectLog("alice"), "and one after it"))).ToBeVisibleAsync();
        await Expect(Line(alice.DirectLog("bob"), "and one after it")).ToContainTextAsync("bob");
        await second.DisposeAsync();
    });
}
