using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

public sealed class BroadcastTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_broadcast_reaches_every_client_the_sender_included_with_increasing_seq()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        var (carol, _) = await server.JoinAsync("carol", 40003, Ct);
        await alice.NextAsync<Joined>(Ct);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);
        TestClient[] everyone = [alice, bob, carol];

        // Several senders, several messages each, sent without waiting: each is relayed once, to all, in one order.
        for (var i = 0; i < 5; i++)
        {
            await alice.SendAsync(new Say($"a-{i}", $"alice says {i}"), Ct);
            await bob.SendAsync(new Say($"b-{i}", $"bob says {i} ✓ héllo"), Ct);
            await carol.SendAsync(new Say($"c-{i}", $"carol says {i}"), Ct);
        }

        var seen = new List<List<Said>>();
        foreach (var client in everyone)
        {
            var saids = new List<Said>();
            for (var n = 0; n < 15; n++)
            {
                saids.Add(await client.NextAsync<Said>(Ct));
            }

            seen.Add(saids);
        }

        // Everyone sees the same sequence; seq starts at 1 and grows by one.
        Assert.Equal(Enumerable.Range(1, 15).Select(s => (long)s), seen[0].Select(s => s.Seq));
        Assert.Equal(seen[0], seen[1]);
        Assert.Equal(seen[0], seen[2]);

        // Each sender's own messages arrive in the order it sent them, with its id, name and text.
        foreach (var (prefix, name) in new[] { ("a", "alice"), ("b", "bob"), ("c", "carol") })
        {
            var own = seen[0].Where(s => s.From == name).ToList();
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}"), own.Select(s => s.Id));
        }

        Assert.Equal("bob says 3 ✓ héllo", seen[0].Single(s => s.Id == "b-3").Text);
        Assert.All(seen[0], s => Assert.True(s.At > DateTimeOffset.UtcNow.AddMinutes(-5) && s.At < DateTimeOffset.UtcNow.AddMinutes(5)));
    }

    [Fact]
    public async Task A_broadcast_is_written_as_utf8_not_as_escapes()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);

        await alice.SendAsync(new Say("u-1", "grüße ✓ 日本 \"quoted\""), Ct);
        var line = await alice.NextLineAsync(Ct);

        Assert.Contains("grüße ✓ 日本", line, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_characters_other_than_newline_and_tab_are_removed_before_relaying()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);

        await alice.SendAsync(new Say("ctl-1", "be\u0007ll\u0000 \u001b[31mred\u001b[0m\tcol\r\nline\u007f2\u0085"), Ct);

        var echo = await alice.NextAsync<Said>(Ct);
        var relayed = await bob.NextAsync<Said>(Ct);
        Assert.Equal("bell [31mred[0m\tcol\nline2", relayed.Text);
        Assert.Equal(echo, relayed);
    }

    [Fact]
    public async Task A_text_of_only_control_characters_is_empty_text()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);

        await alice.SendAsync(new Say("ctl-2", "\u0001\u0002\u0003"), Ct);

        var error = await alice.NextErrorAsync(ErrorCodes.EmptyText, Ct);
        Assert.Equal("ctl-2", error.Id);
        await alice.AssertOpenAsync(Ct);
    }

    [Fact]
    public async Task A_text_of_exactly_the_limit_is_relayed()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.MaxTextLength = 4000);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        // 4,000 scalar values, half of them outside the BMP: the limit counts scalars, not UTF-16 units.
        var text = string.Concat(Enumerable.Repeat("a😀", 2000));

        await alice.SendAsync(new Say("max", text), Ct);

        Assert.Equal(text, (await alice.NextAsync<Said>(Ct)).Text);
    }
}
