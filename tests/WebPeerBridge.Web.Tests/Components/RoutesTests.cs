using System.Net;
using Bunit;
using Microsoft.AspNetCore.Components;
using WebPeerBridge.Web.Components;
using WebPeerBridge.Web.Sessions;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class RoutesTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_tab_beyond_the_circuits_of_its_address_says_why_instead_of_the_app()
    {
        await using var network = await TestNetwork.StartAsync(Ct, configure: o => o.MaxCircuitsPerAddress = 1);
        using var open = new CurrentSession(network.Registry);
        Assert.Equal(CircuitAdmission.Admitted, open.Initialize(SessionCookie.NewId(), IPAddress.Parse("10.0.0.7")));
        await using var tab = ChatHarness.Create(network, initialize: false);
        tab.Context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var cut = tab.Render<Routes>(p => p.Add(r => r.SessionId, SessionCookie.NewId()).Add(r => r.RemoteAddress, "10.0.0.7"));

        Assert.Equal("Too many WebPeerBridge tabs are open from your address (at most 1). Close some and reload this page.",
            cut.Find("#circuit-refused").TextContent.Trim());
        Assert.False(tab.Session.IsInitialized);
        Assert.Equal(1, network.Registry.Circuits.CountOf(IPAddress.Parse("10.0.0.7")));
    }
}
