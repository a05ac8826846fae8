using System.Diagnostics;
using WebPeerBridge.Protocol;
using WebPeerBridge.Protocol.Frames;
using WebPeerBridge.Protocol.Serialization;

namespace WebPeerBridge.Rendezvous.Tests.Cluster;

/// <summary>
/// NATS keeps its connections open but answers nothing (the server paused with SIGSTOP: hung, or cut off behind a switch):
/// the node refuses what it cannot store within its timeouts, whatever piles up, and stops in bounded time.
/// </summary>
[Collection(OneClusterAtATime.Name)]
public sealed class NatsStallTests
{
    [Fact]
    public async Task Says_while_nats_does_not_answer_are_refused_as_unavailable_within_the_write_timeout_however_many_and_the_node_stops_in_bounded_time()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var a = await ClusterNodes.StartAsync(nats, "a", ct, o =>
        {
            o.HistoryWriteTimeout = TimeSpan.FromSeconds(1);
            o.Nats.OperationTimeout = TimeSpan.FromSeconds(1);
            o.Nats.StopTimeout = TimeSpan.FromSeconds(1);
        });
        a.ErrorsExpected = true;
        var (alice, _) = await a.JoinAsync("alice", 40001, ct);

        await nats.PauseAsync();
        try
        {
            // Forty says, one after the other: one at a time, each waiting for its own timeout, they took forty seconds.
            var clock = Stopwatch.StartNew();
            await alice.SendRawAsync(Says("one", 40), ct);
            var refused = new List<string?>();
            while (refused.Count < 40)
            {
                refused.Add((await alice.NextErrorAsync(ErrorCodes.Unavailable, ct)).Id);
            }

            Assert.Equal(Enumerable.Range(0, 40).Select(i => $"one-{i}"), refused);
            // A batch waits at most twice the write timeout (one more try for what was not acknowledged); they came in one or two.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"Refused after {clock.Elapsed.TotalSeconds:0.0} s.");

            // Forty more, and the node stops at once: what it must still refuse or write is bounded too.
            await alice.SendRawAsync(Says("two", 40), ct);
            clock.Restart();
            await a.StopAsync(ct);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Stopped after {clock.Elapsed.TotalSeconds:0.0} s.");
        }
        finally
        {
            await nats.ResumeAsync();
        }
    }

    [Fact]
    public async Task A_hello_while_name_releases_wait_for_nats_is_refused_as_unavailable_within_the_operation_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nats = await NatsServer.StartAsync(ct);
        await using var a = await ClusterNodes.StartAsync(nats, "a", ct, o =>
        {
            o.Nats.OperationTimeout = TimeSpan.FromSeconds(1);
            o.Nats.StopTimeout = TimeSpan.FromSeconds(1);
        });
        a.ErrorsExpected = true;
        var (observer, _) = await a.JoinAsync("observer", 40001, ct);
        var dropping = new List<TestClientHandle>();
        for (var i = 0; i < 6; i++)
        {
            var (client, _) = await a.JoinAsync($"p{i}", 40010 + i, ct);
            dropping.Add(new TestClientHandle(client, $"p{i}"));
            await observer.NextMatchingAsync<Joined>(j => j.Peer.Name == $"p{i}", ct);
        }

        await nats.PauseAsync();
        try
        {
            // Six connections drop: six names to hold, one after the other, each waiting a second for NATS.
            foreach (var handle in dropping)
            {
                await handle.Client.DisposeAsync();
                await observer.NextMatchingAsync<Left>(l => l.Name == handle.Name, ct);
            }

            var clock = Stopwatch.StartNew();
            var late = await a.ConnectAsync(ct);
            await late.SendAsync(new Hello(Hello.CurrentVersion, "carol", 40020, null, null, null), ct);
            await late.NextErrorAsync(ErrorCodes.Unavailable, ct);
            // The claim waits for the releases within its own timeout (one second), not for all of them first.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"Refused after {clock.Elapsed.TotalSeconds:0.0} s.");
        }
        finally
        {
            await nats.ResumeAsync();
        }
    }

    [Fact]
    public async Task A_say_whose_acknowledgement_did_not_come_in_time_is_published_again_and_reaches_everyone_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var nodes = await TwoNodes.StartAsync(ct, o => o.Nats.StopTimeout = TimeSpan.FromSeconds(1));
        nodes.A.ErrorsExpected = nodes.B.ErrorsExpected = true;
        var nats = nodes.Nats;
        var (alice, _, bob) = await nodes.AliceOnAAndBobOnBAsync(ct);

        await nats.PauseAsync();
        await alice.SendAsync(new Say("late-1", "said while NATS hung"), ct);
        try
        {
            // Its first publish waited for its timeout; it is being published again under the same message id.
            await nodes.A.WaitForLogAsync("Publishing again 1 says", ct);
        }
        finally
        {
            // NATS stores the first publish (it was on the connection) and answers the second with that one's seq.
            await nats.ResumeAsync();
        }

        var echo = await alice.NextAsync<Said>(ct);
        Assert.Equal("late-1", echo.Id);
        Assert.Equal(echo, await bob.NextMatchingAsync<Said>(_ => true, ct));

        // Stored once: the next broadcast is each one's very next frame, and the stream holds nothing in between.
        var next = await Support.TestServer.AssertBroadcastFlowsAsync(alice, bob, ct);
        Assert.Equal(echo.Seq + 1, next.Seq);
    }

    private static byte[] Says(string prefix, int count) =>
        [.. Enumerable.Range(0, count).SelectMany(i => FrameCodec.ToLine(new Say($"{prefix}-{i}", $"{prefix} {i}")))];

    private sealed record TestClientHandle(Support.TestClient Client, string Name);
}
