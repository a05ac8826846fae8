using System.Text.Json;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>
/// A client written from DESIGN.md's protocol table alone: bytes typed by hand, as with netcat, and lines read as plain JSON
/// (no codec of ours on the way in), so a field named differently from the table fails here.
/// </summary>
public sealed class NetcatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_netcat_client_registers_sees_joins_leaves_and_broadcasts_and_can_broadcast()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        await alice.SendAsync(new Say("a-1", "hello from before"), Ct);
        await alice.NextAsync<Said>(Ct);
        var nc = await server.ConnectAsync(Ct);

        await nc.SendRawAsync("{\"type\":\"hello\",\"version\":1,\"name\":\"nc\",\"peerPort\":40009,\"host\":null,\"since\":null,\"resume\":null}\n", Ct);

        using (var welcome = await NextJsonAsync(nc, "welcome"))
        {
            var you = welcome.RootElement.GetProperty("you");
            Assert.Equal("nc", you.GetProperty("name").GetString());
            Assert.Equal("127.0.0.1", you.GetProperty("host").GetString());
            Assert.Equal(40009, you.GetProperty("port").GetInt32());
            Assert.Equal("v1", you.GetProperty("protocol").GetString());
            Assert.True(you.GetProperty("since").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);
            Assert.False(string.IsNullOrEmpty(welcome.RootElement.GetProperty("token").GetString()));
            var peer = Assert.Single(welcome.RootElement.GetProperty("peers").EnumerateArray());
            Assert.Equal("alice", peer.GetProperty("name").GetString());
            Assert.Equal(40001, peer.GetProperty("port").GetInt32());
            var said = Assert.Single(welcome.RootElement.GetProperty("history").EnumerateArray());
            Assert.Equal("hello from before", said.GetProperty("text").GetString());
            Assert.Equal(1, said.GetProperty("seq").GetInt64());
        }

        Assert.Equal("nc", (await alice.NextAsync<Joined>(Ct)).Peer.Name);

        // Someone joins: a joined with name, host and port.
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);
        using (var joined = await NextJsonAsync(nc, "joined"))
        {
            var peer = joined.RootElement.GetProperty("peer");
            Assert.Equal("bob", peer.GetProperty("name").GetString());
            Assert.Equal("127.0.0.1", peer.GetProperty("host").GetString());
            Assert.Equal(40002, peer.GetProperty("port").GetInt32());
        }

        // The netcat user broadcasts (a line ending in \r\n, as some terminals send, and a blank line before it).
        await nc.SendRawAsync("\n{\"type\":\"say\",\"id\":\"n-1\",\"text\":\"hi all, from nc ✓\"}\r\n", Ct);
        using (var said = await NextJsonAsync(nc, "said"))
        {
            Assert.Equal(2, said.RootElement.GetProperty("seq").GetInt64());
            Assert.Equal("n-1", said.RootElement.GetProperty("id").GetString());
            Assert.Equal("nc", said.RootElement.GetProperty("from").GetString());
            Assert.Equal("hi all, from nc ✓", said.RootElement.GetProperty("text").GetString());
            Assert.EndsWith("Z", said.RootElement.GetProperty("at").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal("hi all, from nc ✓", (await alice.NextAsync<Said>(Ct)).Text);
        Assert.Equal("nc", (await bob.NextAsync<Said>(Ct)).From);

        // Someone else broadcasts; then leaves.
        await bob.SendAsync(new Say("b-1", "hi nc"), Ct);
        using (var said = await NextJsonAsync(nc, "said"))
        {
            Assert.Equal("bob", said.RootElement.GetProperty("from").GetString());
            Assert.Equal("hi nc", said.RootElement.GetProperty("text").GetString());
        }

        await bob.SendAsync(Bye.Instance, Ct);
        using (var left = await NextJsonAsync(nc, "left"))
        {
            Assert.Equal("bob", left.RootElement.GetProperty("name").GetString());
            Assert.Equal("bye", left.RootElement.GetProperty("reason").GetString());
        }

        // Keepalive, an unknown field (ignored), then goodbye.
        await nc.SendRawAsync("{\"type\":\"ping\",\"note\":\"unknown fields are ignored\"}\n", Ct);
        (await NextJsonAsync(nc, "pong")).Dispose();
        await nc.SendRawAsync("{\"type\":\"bye\"}\n", Ct);
        await nc.WaitForCloseAsync(Ct);
        Assert.Equal("hi nc", (await alice.NextAsync<Said>(Ct)).Text);
        Assert.Equal(new Left("bob", "bye"), await alice.NextAsync<Left>(Ct));
        Assert.Equal(new Left("nc", "bye"), await alice.NextAsync<Left>(Ct));
    }

    [Fact]
    public async Task A_netcat_client_gets_errors_it_can_read()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var nc = await server.ConnectAsync(Ct);
        await nc.SendRawAsync("{\"type\":\"hello\",\"version\":1,\"name\":\"nc\",\"peerPort\":40009}\n", Ct);
        (await NextJsonAsync(nc, "welcome")).Dispose();

        await nc.SendRawAsync("{\"type\":\"say\",\"id\":\"n-2\",\"text\":\"   \"}\n", Ct);

        using var error = await NextJsonAsync(nc, "error");
        Assert.Equal("empty_text", error.RootElement.GetProperty("code").GetString());
        Assert.Equal("n-2", error.RootElement.GetProperty("id").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.RootElement.GetProperty("message").GetString()));
    }

    private static async Task<JsonDocument> NextJsonAsync(TestClient client, string type)
    {
        var line = await client.NextLineAsync(Ct);
        var document = JsonDocument.Parse(line);
        Assert.Equal(type, document.RootElement.GetProperty("type").GetString());
        return document;
    }
}
