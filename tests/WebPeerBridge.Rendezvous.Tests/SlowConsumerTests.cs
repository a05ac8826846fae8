using System.Diagnostics;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Rendezvous.Tests.Support;

namespace WebPeerBridge.Rendezvous.Tests;

/// <summary>
/// A client that never reads: its socket fills (a small receive window makes that quick), then the server's flush to it
/// blocks; the others must not notice, and the stuck client is dropped by the queue bound or by the send timeout.
/// </summary>
public sealed class SlowConsumerTests
{
    // Enough to fill any loopback socket buffer on the way (the kernel's send buffer tops out at 4 MiB here).
    private const int MaxMessages = 4000;
    private static readonly string s_text = new('x', 3900);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(64)]
    // A queued slice may carry a whole turn's broadcasts, so the frame bound counts few: the byte bound alone must hold.
    [InlineData(1_000_000)]
    public async Task A_client_that_never_reads_does_not_stall_the_others_and_is_dropped_when_its_queue_is_full(int queueFrames)
    {
        // Small bounds (64 frames or 256 KiB of ~4 KB lines) so that the stuck client's queue fills soon after its socket.
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.ClientQueueFrames = queueFrames;
            o.ClientQueueBytes = 256 * 1024;
        });

        var outcome = await BroadcastPastAStuckClientAsync(server);

        Assert.True(outcome.SentBeforeDrop < MaxMessages, "The stuck client was never dropped.");
    }

    [Fact]
    public async Task A_client_that_never_reads_is_dropped_when_its_socket_takes_nothing_for_the_send_timeout()
    {
        // Queue bounds far above anything this test sends: only the send timeout can drop the stuck client.
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.ClientQueueFrames = 1_000_000;
            o.ClientQueueBytes = 1024 * 1024 * 1024;
            o.SendTimeout = TimeSpan.FromMilliseconds(500);
            o.SweepInterval = TimeSpan.FromMilliseconds(50);
        });

        await BroadcastPastAStuckClientAsync(server);
    }

    [Fact]
    public async Task A_client_pasting_thousands_of_lines_at_once_does_not_get_the_others_dropped()
    {
        // Default queue bounds: a burst of 2,000 says in one write is twice what a queue holds.
        await using var server = await TestServer.StartAsync(Ct);
        var (paster, _) = await server.JoinAsync("paster", 40001, Ct);
        var readers = new List<TestClient>();
        for (var i = 0; i < 3; i++)
        {
            var (reader, _) = await server.JoinAsync($"reader{i}", 40010 + i, Ct);
            readers.Add(reader);
            await paster.NextAsync<Joined>(Ct);
        }

        await readers[0].NextAsync<Joined>(Ct);
        await readers[0].NextAsync<Joined>(Ct);
        await readers[1].NextAsync<Joined>(Ct);
        var reads = readers.Append(paster).Select(r => ReadUntilSaidAsync(r, "p1999")).ToList();

        var paste = new List<byte>();
        for (var i = 0; i < 2000; i++)
        {
            paste.AddRange(Protocol.Serialization.FrameCodec.ToLine(new Say($"p{i}", $"line {i} of a long paste")));
        }

        await paster.SendRawAsync([.. paste], Ct);

        foreach (var read in reads)
        {
            Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"p{i}"), (await read).Select(f => Assert.IsType<Said>(f).Id));
        }

        Assert.Equal(4, server.Server.OnlineCount);
    }

    [Fact]
    public async Task A_client_that_floods_says_and_never_reads_is_dropped_and_announced_while_the_others_get_all_it_said()
    {
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.SendTimeout = TimeSpan.FromMilliseconds(500);
            o.SweepInterval = TimeSpan.FromMilliseconds(50);
        });
        var (alice, _) = await server.JoinAsync("alice", 40001, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40002, Ct);
        await alice.NextAsync<Joined>(Ct);
        var (flooder, _) = await server.JoinAsync("flooder", 40003, Ct, receiveBufferSize: 4096);
        await alice.NextAsync<Joined>(Ct);
        await bob.NextAsync<Joined>(Ct);

        // Alice and bob read as live clients do (a reader that stopped would be dropped too, rightly).
        var aliceReads = ReadUntilLeftAsync(alice);
        var bobReads = ReadUntilLeftAsync(bob);
        // The flooder never reads its echoes, so its own socket fills; it keeps sending until the server cuts it off.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var sending = FloodAsync(flooder, stop.Token);

        var bobFrames = await bobReads;
        Assert.Equal(new Left("flooder", LeftReasons.Error), bobFrames[^1]);
        var saids = bobFrames[..^1].Select(f => Assert.IsType<Said>(f)).ToList();
        Assert.True(saids.Count < MaxMessages, "The flooder was never dropped.");
        Assert.Equal(Enumerable.Range(0, saids.Count).Select(i => $"f{i}"), saids.Select(s => s.Id));
        Assert.Equal(bobFrames, await aliceReads);
        await TestServer.AssertBroadcastFlowsAsync(alice, bob, Ct);
        await stop.CancelAsync();
        await sending;
    }

    [Fact]
    public async Task A_client_that_pauses_reading_gets_every_line_whole_and_in_order_when_it_reads_again()
    {
        // Past the kernel's largest send buffer (4 MiB here) its socket takes only part of a line at times (a 4 KiB
        // receive window, ~4 KB lines): the rest must follow before anything else, whether a line was sent straight from
        // the shared bytes or through the write buffer.
        await using var server = await TestServer.StartAsync(Ct, o =>
        {
            o.ClientQueueFrames = 4096;
            o.ClientQueueBytes = 16 * 1024 * 1024;
        });
        var (pauser, _) = await server.JoinAsync("pauser", 40001, Ct, receiveBufferSize: 4096);
        var (alice, _) = await server.JoinAsync("alice", 40002, Ct);
        Assert.Equal("alice", (await pauser.NextAsync<Joined>(Ct)).Peer.Name);

        const int count = 1500;
        for (var i = 0; i < count; i++)
        {
            // Lock step: each said back to alice shows the server went on while the pauser read nothing.
            await alice.SendAsync(new Say($"m{i}", $"{i}:{s_text}"), Ct);
            Assert.Equal($"m{i}", (await alice.NextAsync<Said>(Ct)).Id);
        }

        for (var i = 0; i < count; i++)
        {
            var said = await pauser.NextAsync<Said>(Ct);
            Assert.Equal($"m{i}", said.Id);
            Assert.Equal($"{i}:{s_text}", said.Text);
            Assert.Equal(i + 1, said.Seq);
        }

        await TestServer.AssertBroadcastFlowsAsync(alice, pauser, Ct);
    }

    private static async Task<List<Frame>> ReadUntilLeftAsync(TestClient client)
    {
        var frames = new List<Frame>();
        for (var n = 0; n < MaxMessages + 1; n++)
        {
            var frame = await client.NextAsync(Ct);
            frames.Add(frame);
            if (frame is Left)
            {
                return frames;
            }
        }

        Assert.Fail("No left came.");
        return frames;
    }

    // Up to 64 MB of says, 1 MB per write, until stopped or cut off: a server that kept reading a dropped client would
    // never get to announce it.
    private static async Task FloodAsync(TestClient client, CancellationToken stop)
    {
        for (var chunk = 0; chunk < 64 && !stop.IsCancellationRequested; chunk++)
        {
            var bytes = new List<byte>();
            for (var i = chunk * 256; i < (chunk + 1) * 256; i++)
            {
                bytes.AddRange(Protocol.Serialization.FrameCodec.ToLine(new Say($"f{i}", s_text)));
            }

            try
            {
                await client.SendRawAsync([.. bytes], stop);
            }
            catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && stop.IsCancellationRequested))
            {
                return;
            }
        }
    }

    private static async Task<Outcome> BroadcastPastAStuckClientAsync(TestServer server)
    {
        // The stuck client reads its welcome and then nothing ever again.
        var (stuck, _) = await server.JoinAsync("stuck", 40001, Ct, receiveBufferSize: 4096);
        var (alice, _) = await server.JoinAsync("alice", 40002, Ct);
        var (bob, _) = await server.JoinAsync("bob", 40003, Ct);
        await alice.NextAsync<Joined>(Ct);

        // Bob reads everything on his own, as a live client would, until alice's last message.
        var bobReads = ReadUntilSaidAsync(bob, "last");

        var watch = Stopwatch.StartNew();
        var sent = 0;
        Left? left = null;
        // Alice sends in lock step (her own said is her acknowledgement), so each round trip shows nobody is stalled.
        while (left is null && sent < MaxMessages)
        {
            sent++;
            await alice.SendAsync(new Say($"m{sent}", s_text), Ct);
            left = await NextSaidAsync(alice, $"m{sent}");
        }

        var sentBeforeDrop = sent;
        // Past the loop without a drop: the socket is full by now, so the send timeout has to fire without more traffic.
        left ??= await alice.NextAsync<Left>(Ct);
        Assert.Equal(new Left("stuck", LeftReasons.Error), left);

        await alice.SendAsync(new Say("last", "after the drop"), Ct);
        Assert.Equal("last", (await alice.NextAsync<Said>(Ct)).Id);
        var bobFrames = await bobReads;
        watch.Stop();

        // Bob got every message, in order, with consecutive seq, and heard of the drop exactly once.
        var saids = bobFrames.OfType<Said>().ToList();
        Assert.Equal(Enumerable.Range(1, sent).Select(i => $"m{i}").Append("last"), saids.Select(s => s.Id));
        Assert.Equal(Enumerable.Range(1, sent + 1).Select(i => (long)i), saids.Select(s => s.Seq));
        Assert.Equal([new Left("stuck", LeftReasons.Error)], bobFrames.OfType<Left>());
        Assert.Equal(bobFrames.Count, saids.Count + 1);
        Assert.Equal(2, server.Server.OnlineCount);
        await TestServer.AssertBroadcastFlowsAsync(bob, alice, Ct);

        // What reached the stuck client is a gapless prefix of the stream: nothing dropped silently, then the close.
        var stuckFrames = await stuck.ReadUntilCloseAsync(MaxMessages + 10, Ct);
        var stuckSaids = stuckFrames.OfType<Said>().ToList();
        Assert.Equal(Enumerable.Range(1, stuckSaids.Count).Select(i => (long)i), stuckSaids.Select(s => s.Seq));
        Assert.All(stuckFrames, f => Assert.True(f is Joined or Said || f is ErrorFrame { Code: ErrorCodes.SlowConsumer }, $"unexpected {f}"));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"dropped after {sentBeforeDrop} messages ({sentBeforeDrop * s_text.Length / 1024} KiB) in {watch.ElapsedMilliseconds} ms; the stuck client had received {stuckSaids.Count}");
        return new Outcome(sentBeforeDrop);
    }

    // Alice's frames up to her own said with this id; a left met on the way is returned (that is the drop).
    private static async Task<Left?> NextSaidAsync(TestClient client, string id)
    {
        Left? left = null;
        while (true)
        {
            switch (await client.NextAsync(Ct))
            {
                case Said said when said.Id == id:
                    return left;
                case Left l:
                    Assert.Null(left);
                    left = l;
                    break;
                case var other:
                    Assert.Fail($"Unexpected {other}");
                    break;
            }
        }
    }

    private static async Task<List<Frame>> ReadUntilSaidAsync(TestClient client, string id)
    {
        var frames = new List<Frame>();
        // Bounded: every message plus the one left.
        for (var n = 0; n < MaxMessages + 2; n++)
        {
            var frame = await client.NextAsync(Ct);
            frames.Add(frame);
            if (frame is Said said && said.Id == id)
            {
                return frames;
            }
        }

        Assert.Fail("Bob never got the last message.");
        return frames;
    }

    private readonly record struct Outcome(int SentBeforeDrop);
}
