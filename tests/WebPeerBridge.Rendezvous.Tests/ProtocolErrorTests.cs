using System.Text;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>
/// Every broken rule gets its documented error code, a close exactly where DESIGN.md says so, and never disturbs the
/// others: after each case alice and bob still exchange a broadcast, and hear of the offender only if it had registered.
/// </summary>
public sealed class ProtocolErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> FirstFramesThatAreNoValidHello => new()
    {
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"x\"", ErrorCodes.BadJson },
        { "{not json}", ErrorCodes.BadJson },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"m\\ud800\",\"peerPort\":40009}", ErrorCodes.BadJson },
        { "{\"type\":\"shout\",\"text\":\"hi\"}", ErrorCodes.UnknownType },
        { "{\"type\":\"say\",\"id\":\"s-1\",\"text\":\"hi before hello\"}", ErrorCodes.HelloRequired },
        { "{\"type\":\"ping\"}", ErrorCodes.HelloRequired },
        { "{\"type\":\"bye\"}", ErrorCodes.HelloRequired },
        { "{\"type\":\"hello\",\"version\":1}", ErrorCodes.BadFrame },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"mallory\"}", ErrorCodes.BadFrame },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"mallory\",\"peerPort\":0}", ErrorCodes.BadFrame },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"mallory\",\"peerPort\":65536}", ErrorCodes.BadFrame },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"mallory\",\"peerPort\":\"40009\"}", ErrorCodes.BadFrame },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"mallory\",\"peerPort\":40009,\"since\":-1}", ErrorCodes.BadFrame },
        { "{\"type\":\"hello\",\"version\":2,\"name\":\"mallory\",\"peerPort\":40009}", ErrorCodes.UnsupportedVersion },
        { "{\"type\":\"hello\",\"version\":0,\"name\":\"mallory\",\"peerPort\":40009}", ErrorCodes.UnsupportedVersion },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"\",\"peerPort\":40009}", ErrorCodes.InvalidName },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"mal lory\",\"peerPort\":40009}", ErrorCodes.InvalidName },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"mal!ory\",\"peerPort\":40009}", ErrorCodes.InvalidName },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"mal\\u0007ory\",\"peerPort\":40009}", ErrorCodes.InvalidName },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"" + new string('m', 33) + "\",\"peerPort\":40009}", ErrorCodes.InvalidName },
    };

    [Theory]
    [MemberData(nameof(FirstFramesThatAreNoValidHello))]
    public async Task A_first_frame_that_is_no_valid_hello_gets_its_error_and_a_close_while_the_others_keep_chatting(string line, string code)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, bob) = await JoinPairAsync(server);

        var mallory = await server.ConnectAsync(Ct);
        await mallory.SendRawAsync(line + "\n", Ct);

        await mallory.NextErrorAsync(code, Ct);
        await mallory.WaitForCloseAsync(Ct);
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
        Assert.Equal(2, server.Server.OnlineCount);
    }

    [Theory]
    [InlineData("Zoë")]
    [InlineData("名前")]
    [InlineData("a.b_c-9")]
    [InlineData("x")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")]
    public async Task A_name_of_letters_and_digits_of_any_script_dots_underscores_and_dashes_up_to_32_is_accepted(string name)
    {
        await using var server = await TestServer.StartAsync(Ct);

        var (_, welcome) = await server.JoinAsync(name, 40009, Ct);

        Assert.Equal(name, welcome.You.Name);
    }

    [Fact]
    public async Task No_hello_in_time_gets_hello_timeout_and_a_close_while_the_others_keep_chatting()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.HelloTimeout = TimeSpan.FromSeconds(1));
        var (alice, bob) = await JoinPairAsync(server);

        var silent = await server.ConnectAsync(Ct);
        var halfway = await server.ConnectAsync(Ct);
        // A hello that starts but never ends is no hello either.
        await halfway.SendRawAsync("{\"type\":\"hello\",\"version\":1,", Ct);

        await silent.NextErrorAsync(ErrorCodes.HelloTimeout, Ct);
        await silent.WaitForCloseAsync(Ct);
        await halfway.NextErrorAsync(ErrorCodes.HelloTimeout, Ct);
        await halfway.WaitForCloseAsync(Ct);
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
    }

    public static TheoryData<string, string> FramesRefusedAfterHello => new()
    {
        { "{\"type\":\"say\",\"id\":\"1\",", ErrorCodes.BadJson },
        { "{\"type\":\"say\" \"id\":\"1\"}", ErrorCodes.BadJson },
        { "{\"type\":\"say\",\"id\":\"1\",\"text\":\"lone \\ud800 surrogate\"}", ErrorCodes.BadJson },
        { "{\"type\":\"say\",\"id\":\"1\",\"text\":\"x\",\"deep\":" + new string('[', 70) + new string(']', 70) + "}", ErrorCodes.BadJson },
        { "{\"type\":\"shout\",\"text\":\"hi\"}", ErrorCodes.UnknownType },
        { "{\"kind\":\"say\",\"text\":\"hi\"}", ErrorCodes.BadFrame },
        { "{\"type\":\"say\",\"id\":\"1\"}", ErrorCodes.BadFrame },
        { "{\"type\":\"say\",\"id\":\"1\",\"text\":42}", ErrorCodes.BadFrame },
        { "{\"type\":\"hello\",\"version\":1,\"name\":\"mallory\",\"peerPort\":40009}", ErrorCodes.BadFrame },
        { "{\"type\":\"pong\"}", ErrorCodes.BadFrame },
        { "{\"type\":\"said\",\"seq\":1,\"from\":\"alice\",\"text\":\"forged\",\"at\":\"2026-11-24T10:00:00Z\"}", ErrorCodes.BadFrame },
    };

    [Theory]
    [MemberData(nameof(FramesRefusedAfterHello))]
    public async Task A_bad_frame_after_hello_gets_its_error_and_the_link_stays(string line, string code)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, bob) = await JoinPairAsync(server);
        var (mallory, _) = await server.JoinAsync("mallory", 40009, Ct);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);

        await mallory.SendRawAsync(line + "\n", Ct);

        await mallory.NextErrorAsync(code, Ct);
        await mallory.AssertOpenAsync(Ct);
        // Nothing was relayed; mallory is still a member and hears the others.
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
        Assert.Equal("still chatting", (await mallory.NextAsync<Said>(Ct)).Text);
        await TestServer.AssertBroadcastFlowsAsync(mallory, alice, Ct);
    }

    [Fact]
    public async Task Text_over_the_limit_gets_text_too_long_with_the_says_id_and_the_link_stays()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, bob) = await JoinPairAsync(server);

        await alice.SendAsync(new Say("long-1", new string('x', 4001)), Ct);
        // 4,001 emoji: over the limit as scalars, not only as UTF-16 units.
        await alice.SendAsync(new Say("long-2", string.Concat(Enumerable.Repeat("😀", 4001))), Ct);

        Assert.Equal("long-1", (await alice.NextErrorAsync(ErrorCodes.TextTooLong, Ct)).Id);
        Assert.Equal("long-2", (await alice.NextErrorAsync(ErrorCodes.TextTooLong, Ct)).Id);
        await alice.AssertOpenAsync(Ct);
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \t\n  \n")]
    [InlineData("\u00a0\u2003")]
    public async Task Empty_or_whitespace_text_gets_empty_text_with_the_says_id_and_the_link_stays(string text)
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, bob) = await JoinPairAsync(server);

        await alice.SendAsync(new Say("blank-1", text), Ct);

        Assert.Equal("blank-1", (await alice.NextErrorAsync(ErrorCodes.EmptyText, Ct)).Id);
        await alice.AssertOpenAsync(Ct);
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
    }

    [Fact]
    public async Task A_1_MB_line_without_newline_gets_frame_too_large_and_a_close_and_is_announced_as_left_with_reason_error()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, bob) = await JoinPairAsync(server);
        var (mallory, _) = await server.JoinAsync("mallory", 40009, Ct);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);

        var flood = SendFloodAsync(mallory, 1024 * 1024);

        await mallory.NextErrorAsync(ErrorCodes.FrameTooLarge, Ct);
        await mallory.WaitForCloseAsync(Ct);
        await flood;
        Assert.Equal(new Left("mallory", LeftReasons.Error), await alice.NextAsync<Left>(Ct));
        Assert.Equal(new Left("mallory", LeftReasons.Error), await bob.NextAsync<Left>(Ct));
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
    }

    [Fact]
    public async Task A_1_MB_first_line_without_newline_gets_frame_too_large_and_a_close()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, bob) = await JoinPairAsync(server);
        var mallory = await server.ConnectAsync(Ct);

        var flood = SendFloodAsync(mallory, 1024 * 1024);

        await mallory.NextErrorAsync(ErrorCodes.FrameTooLarge, Ct);
        await mallory.WaitForCloseAsync(Ct);
        await flood;
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
    }

    [Fact]
    public async Task A_line_over_the_limit_is_refused_as_soon_as_it_passes_the_limit_not_when_it_ends()
    {
        await using var server = await TestServer.StartAsync(Ct);
        var (alice, bob) = await JoinPairAsync(server);
        var (mallory, _) = await server.JoinAsync("mallory", 40009, Ct);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);

        // Just past the limit, and then nothing: the server must not wait for a newline that never comes.
        var start = Encoding.UTF8.GetBytes("{\"type\":\"say\",\"id\":\"big\",\"text\":\"");
        var bytes = new byte[server.Options.MaxFrameBytes + 64];
        Array.Fill(bytes, (byte)'a');
        start.CopyTo(bytes, 0);
        await mallory.SendRawAsync(bytes, Ct);

        await mallory.NextErrorAsync(ErrorCodes.FrameTooLarge, Ct);
        await mallory.WaitForCloseAsync(Ct);
        Assert.Equal(new Left("mallory", LeftReasons.Error), await alice.NextAsync<Left>(Ct));
        await bob.NextAsync<Left>(Ct);
        await TestServer.AssertBroadcastFlowsAsync(bob, alice, Ct);
    }

    [Fact]
    public async Task A_line_of_exactly_the_frame_limit_is_accepted()
    {
        await using var server = await TestServer.StartAsync(Ct, o => o.MaxFrameBytes = 1024);
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var head = "{\"type\":\"say\",\"id\":\"edge\",\"text\":\"";
        var tail = "\"}";
        var text = new string('e', 1024 - head.Length - tail.Length);

        await alice.SendRawAsync(head + text + tail + "\n", Ct);

        Assert.Equal(text, (await alice.NextAsync<Said>(Ct)).Text);
        await alice.SendRawAsync(head + text + "e" + tail + "\n", Ct);
        await alice.NextErrorAsync(ErrorCodes.FrameTooLarge, Ct);
        await alice.WaitForCloseAsync(Ct);
    }

    private static async Task<(TestClient Alice, TestClient Bob)> JoinPairAsync(TestServer server)
    {
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);
        return (alice, bob);
    }

    // Writes a line of `length` bytes with no newline, 16 KiB at a time; the server may cut it off (reset) on the way.
    private static async Task SendFloodAsync(TestClient client, int length)
    {
        var chunk = new byte[16 * 1024];
        Array.Fill(chunk, (byte)'a');
        Encoding.UTF8.GetBytes("{\"type\":\"say\",\"text\":\"").CopyTo(chunk, 0);
        try
        {
            for (var sent = 0; sent < length; sent += chunk.Length)
            {
                await client.SendRawAsync(chunk, Ct);
                chunk.AsSpan(0, 32).Fill((byte)'a');
            }
        }
        catch (IOException)
        {
            // The server closed the connection before the whole line was sent: what a server that does not buffer it does.
        }
    }
}
