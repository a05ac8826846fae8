using Bunit;
using WebPeerBridge.Web.Components.Chat;
using WebPeerBridge.Web.Tests.Support;

namespace WebPeerBridge.Web.Tests.Components;

/// <summary>The bridge's address as a QR code, on the join screen and in the app bar's menu.</summary>
public sealed class LanQrCodeTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_join_screen_shows_the_address_as_a_QR_code_image()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);

        var cut = chat.Render<JoinScreen>();

        var image = cut.Find("figure.wpb-qr img");
        Assert.Equal("QR code of http://localhost/", image.GetAttribute("alt"));
        var src = image.GetAttribute("src")!;
        Assert.StartsWith("data:image/png;base64,", src, StringComparison.Ordinal);
        var png = Convert.FromBase64String(src["data:image/png;base64,".Length..]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal("http://localhost/", cut.Find("figure.wpb-qr a").TextContent);
    }

    [Fact]
    public async Task The_app_bar_menu_shows_the_QR_code_to_join_from_a_phone()
    {
        await using var chat = await ChatHarness.StartAsync(Ct);
        var alice = await chat.JoinAsync("alice", Ct);
        var cut = chat.Render<ChatShell>(p => p.Add(x => x.Agent, alice));

        await chat.PickFromMenuAsync(cut, "More", "Join from a phone");

        chat.Dialogs.WaitForAssertion(() => Assert.Equal("QR code of http://localhost/", chat.Dialogs.Find("figure.wpb-qr img").GetAttribute("alt")),
            TestNetwork.Timeout);
    }
}
