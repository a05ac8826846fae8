using WebPeerBridge.Web.Hosting;

namespace WebPeerBridge.Web.Tests.Hosting;

public sealed class JoinAddressTests
{
    [Fact]
    public void A_page_opened_at_a_LAN_address_offers_that_address()
    {
        var join = JoinAddress.Choose("http://192.168.1.20:5080/dm/bob", ["http://0.0.0.0:5080"], "10.0.0.7");

        Assert.Equal(new JoinUrl("http://192.168.1.20:5080/", OnLan: true), join);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://[::]:5080")]
    public void A_page_opened_on_this_machine_offers_the_LAN_address_the_bridge_listens_on(string listening)
    {
        var join = JoinAddress.Choose("http://localhost:5080/", [listening], "192.168.1.20");

        Assert.Equal(new JoinUrl("http://192.168.1.20:5080/", OnLan: true), join);
    }

    [Fact]
    public void A_bridge_that_listens_on_loopback_only_says_other_devices_cannot_open_it()
    {
        var join = JoinAddress.Choose("http://127.0.0.1:44100/", ["http://127.0.0.1:44100"], "192.168.1.20");

        Assert.Equal(new JoinUrl("http://127.0.0.1:44100/", OnLan: false), join);
    }

    [Fact]
    public void A_wildcard_without_a_LAN_address_is_no_address_to_offer()
    {
        var join = JoinAddress.Choose("http://localhost:5080/", ["http://0.0.0.0:5080"], lanAddress: null);

        Assert.False(join.OnLan);
    }
}
