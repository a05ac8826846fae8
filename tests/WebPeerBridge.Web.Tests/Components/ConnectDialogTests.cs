using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

public sealed class ConnectDialogTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bad_port_is_explained_and_a_good_address_opens_a_direct_link()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var bob = await chat.Network.JoinPersonAsync("bob", Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var dialogs = chat.Context.Services.GetRequiredService<IDialogService>();
        IDialogReference? dialog = null;
        await chat.Dialogs.InvokeAsync(async () => dialog = await dialogs.ShowAsync<ConnectDialog>("Connect by address",
            new DialogParameters<ConnectDialog> { { d => d.Agent, alice } }));
        var cut = chat.Dialogs;

        await cut.InvokeAsync(() => cut.FindByLabel("Host").InputAsync("127.0.0.1"));
        await cut.InvokeAsync(() => cut.FindByLabel("Port").InputAsync("99999"));
        await cut.Find("form").SubmitAsync();
        cut.WaitForAssertion(() => Assert.Equal("Enter a port from 1 to 65535.", cut.Find("[role=alert]").TextContent.Trim()));

        await cut.InvokeAsync(() => cut.FindByLabel("Port").InputAsync(bob.PeerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await cut.Find("form").SubmitAsync();

        var result = await dialog!.Result.WaitAsync(TestNetwork.Timeout, Ct);
        Assert.False(result!.Canceled);
        Assert.Equal("bob", result.Data);
        Assert.Equal(WebPeerBridge.Peer.DirectLinkState.Open, alice.GetLinkState("bob"));
    }
}
